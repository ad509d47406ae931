// The whole-sequence scan op: one direction of one layer as one autograd node on a cell kind's
// step kernels, in the manner of cuDNN. Buffers are allocated once per call (no tensor per step);
// each step is one GEMM h_{t-1}·W_hhᵀ accumulated into its rows plus the kind's step kernel (or,
// where the backend takes it, its whole-sequence op walks every step in one call: recurrentSequence,
// or the kind's own walk, kernels.walk, e.g. the layer-norm LSTM's layerNormLstmSequence);
// the backward walks the steps in reverse and forms dW_hh in one GEMM over all rows (weightGrad).
// N packed rows, B sequences, H hidden, G·H gate columns, S states (see scan-plan.ts for the rows).

import { BackendError, type BackendV1, type View } from '@recur/backend';
import { empty, kernelOp, kernelView, type Tensor } from '@recur/tensor';
import type { SequenceKernels } from './cell-kind.js';
import {
  addRecurrent,
  columns,
  planScan,
  predecessorRows,
  rows,
  toInitial,
  toPredecessor,
  weightGrad,
  type PlannedStep,
  type ScanPlan,
} from './scan-plan.js';

/**
 * Runs `part(start, count, fromInitial)` for each source of step s's previous state: rows
 * [0, shared) continue the predecessor's rows, rows [shared, b_t) start from the initial state.
 */
function forEachPart(s: PlannedStep, part: (start: number, count: number, fromInitial: boolean) => void): void {
  const fresh = s.size - s.shared;
  if (s.shared > 0) part(0, s.shared, false);
  if (fresh > 0) part(s.shared, fresh, true);
}

/** Each state's previous rows for a part of step s: the predecessor's outputs or the initial state. */
function previousRows(
  s: PlannedStep,
  states: readonly View[],
  initial: readonly View[],
  start: number,
  count: number,
  fromInitial: boolean,
): View[] {
  return states.map((Y, j) => (fromInitial ? rows(initial[j]!, start, count) : rows(Y, s.prevOffset + start, count)));
}

/**
 * The recurrence over packed rows. `gates` [N, G·H] holds the projected input and, unless
 * `kernels.separateRecurrent`, is overwritten with the pre-activations (the caller hands over a
 * tensor nothing else reads). `initial` holds the S initial states [B, H] in sorted batch order,
 * `weightHh` [G·H, H], `biasHh` [G·H] (read only when separateRecurrent; otherwise pass null and
 * fold b_hh into the projection). Returns Y [N, S·H]: state j of every row in columns [j·H, (j+1)·H).
 */
export function sequenceScan(
  name: string,
  kernels: SequenceKernels,
  gates: Tensor,
  initial: readonly Tensor[],
  weightHh: Tensor,
  biasHh: Tensor | null,
  batchSizes: Int32Array,
  reverse: boolean,
): Tensor {
  const stateCount = initial.length;
  const hidden = initial[0]!.shape[1]!;
  const width = gates.shape[1]!;
  const plan = planScan(batchSizes, reverse);
  const separate = kernels.separateRecurrent;
  const recurrentBias = separate ? biasHh : null;
  const parameters = kernels.parameters ?? [];
  const inputs = [gates, ...initial, weightHh, recurrentBias, ...parameters];
  // Whether the kind's own walk (kernels.walk) took the forward: its backward must then follow.
  let walkedByKind = false;
  return kernelOp(`${name} scan`, inputs, {
    forward: ({ backend, recording }) => {
      const y = empty([plan.rows, stateCount * hidden], 'float32', backend);
      // An exclusive walk keeps h·W_hhᵀ in its own layout: the rows are made only if the per-step loop runs.
      const lazy = separate && kernels.walk?.exclusive === true;
      let recurrent = separate && !lazy ? empty([plan.rows, width], 'float32', backend) : null;
      const act =
        (recording || kernels.workspace) && kernels.activations > 0
          ? empty([plan.rows, kernels.activations * hidden], 'float32', backend)
          : null;
      const G = kernelView(gates);
      let R = recurrent ? kernelView(recurrent) : null;
      const W = kernelView(weightHh);
      const Y = kernelView(y);
      const states = initial.map((_, j) => columns(Y, j * hidden, hidden));
      const starts = initial.map(kernelView);
      const A = act ? kernelView(act) : null;
      const P = parameters.map(kernelView);
      // The backend's whole-sequence op where it takes this problem, else the per-step loop.
      const whole = kernels.cell && plan.rows > 0 ? backend.fused?.recurrentSequence : undefined;
      const bias = recurrentBias ? kernelView(recurrentBias) : null;
      const walked =
        whole?.({
          cell: kernels.cell!,
          batchSizes,
          reverse,
          gates: G,
          initial: starts,
          weightHh: W,
          biasHh: bias,
          states,
          recurrent: R,
          activations: A,
        }) ?? false;
      walkedByKind =
        !walked &&
        plan.rows > 0 &&
        kernels.walk !== undefined &&
        kernels.walk.forward({
          batchSizes,
          reverse,
          gates: G,
          initial: starts,
          weightHh: W,
          states,
          recurrent: R,
          activations: A,
          parameters: P,
        });
      if (!walked && !walkedByKind && lazy) {
        recurrent = empty([plan.rows, width], 'float32', backend);
        R = kernelView(recurrent);
      }
      if (!walked && !walkedByKind && R && bias && plan.rows > 0) {
        // Every row starts as b_hh (a stride-0 view repeats it) and gathers h·W_hhᵀ on top.
        backend.copy({ ...bias, shape: [plan.rows, width], strides: [0, bias.strides[0]!] }, R);
      }
      for (const s of walked || walkedByKind ? [] : plan.steps) {
        const g = rows(G, s.offset, s.size);
        const r = R ? rows(R, s.offset, s.size) : null;
        addRecurrent(backend, s, states[0]!, starts[0]!, W, r ?? g);
        forEachPart(s, (start, count, fromInitial) =>
          kernels.forward({
            t: s.t,
            gates: rows(g, start, count),
            recurrent: r ? rows(r, start, count) : null,
            previous: previousRows(s, states, starts, start, count, fromInitial),
            next: states.map((view) => rows(view, s.offset + start, count)),
            activations: A ? rows(A, s.offset + start, count) : null,
            parameters: P,
          }),
        );
      }
      const scratch = [act, recurrent].filter((t): t is Tensor => t !== null);
      if (!recording) return { output: y, release: scratch };
      // The backward reads y, the initial states and W_hh, and what this forward kept.
      return { output: y, saved: [y, weightHh, ...initial, ...parameters, ...scratch], release: scratch };
    },
    backward: (dy, saved, { backend, needsInputGrad }) => {
      const [y, w, ...rest] = saved as [Tensor, Tensor, ...Tensor[]];
      const initialSaved = rest.slice(0, stateCount);
      const params = rest.slice(stateCount, stateCount + parameters.length);
      const kept = rest.slice(stateCount + parameters.length);
      const act = kernels.activations > 0 ? kept.shift()! : null;
      // Absent after an exclusive walk (its h·W_hhᵀ lives in the activations).
      const recurrent = separate ? (kept.shift() ?? null) : null;
      return sequenceBackward(backend, {
        kernels,
        plan,
        hidden,
        width,
        y,
        weightHh: w,
        initial: initialSaved,
        parameters: params,
        act,
        recurrent,
        dy,
        wantWeight: needsInputGrad[stateCount + 1]!,
        withBias: recurrentBias !== null,
        batchSizes,
        reverse,
        walkedByKind,
      });
    },
  });
}

interface BackwardInputs {
  readonly kernels: SequenceKernels;
  readonly plan: ScanPlan;
  readonly hidden: number;
  readonly width: number;
  readonly y: Tensor;
  readonly weightHh: Tensor;
  readonly initial: readonly Tensor[];
  readonly parameters: readonly Tensor[];
  readonly act: Tensor | null;
  readonly recurrent: Tensor | null;
  readonly dy: Tensor;
  readonly wantWeight: boolean;
  readonly withBias: boolean;
  readonly batchSizes: Int32Array;
  readonly reverse: boolean;
  readonly walkedByKind: boolean;
}

function sequenceBackward(backend: BackendV1, input: BackwardInputs): (Tensor | null)[] {
  const { kernels, plan, hidden, width } = input;
  const stateCount = input.initial.length;
  const batch = plan.batch;
  const square = () => empty([batch, hidden], 'float32', backend);
  const dGates = empty([plan.rows, width], 'float32', backend);
  const dRecurrentT = kernels.separateRecurrent ? empty([plan.rows, width], 'float32', backend) : null;
  const dInitial = input.initial.map(square);
  const dW = input.wantWeight ? empty(input.weightHh.shape, 'float32', backend) : null;
  // Without b_hh in the op there is no input to receive db: its slot gets null, as the tape expects.
  const db = input.withBias ? empty([width], 'float32', backend) : null;
  const dParameters = input.parameters.map((p) => empty(p.shape, 'float32', backend));
  // carried[j]: the total gradient of state j of the step being undone; direct[j]: what it sends
  // to the predecessor's state j outside W_hh.
  const carried = input.initial.map(square);
  const direct = kernels.directGrad.map((has) => (has ? square() : null));
  const scratch = Array.from({ length: kernels.scratch }, square);
  const C = carried.map(kernelView);
  const DIR = direct.map((t) => (t ? kernelView(t) : null));
  const SCR = scratch.map(kernelView);
  const Y = kernelView(input.y);
  const states = input.initial.map((_, j) => columns(Y, j * hidden, hidden));
  const D = kernelView(input.dy);
  const dStates = input.initial.map((_, j) => columns(D, j * hidden, hidden));
  const starts = input.initial.map(kernelView);
  const W = kernelView(input.weightHh);
  const A = input.act ? kernelView(input.act) : null;
  const R = input.recurrent ? kernelView(input.recurrent) : null;
  const DG = kernelView(dGates);
  const DR = dRecurrentT ? kernelView(dRecurrentT) : DG;
  const DI = dInitial.map(kernelView);
  const P = input.parameters.map(kernelView);
  const DP = dParameters.map(kernelView);
  const whole = kernels.cell && plan.rows > 0 ? backend.fused?.recurrentSequenceBackward : undefined;
  let walked =
    whole?.({
      cell: kernels.cell!,
      batchSizes: input.batchSizes,
      reverse: input.reverse,
      initial: starts,
      weightHh: W,
      states,
      recurrent: R,
      activations: A,
      dStates,
      dGates: DG,
      dRecurrent: dRecurrentT ? DR : null,
      dInitial: DI,
    }) ?? false;
  const walk = kernels.walk;
  if (!walked && walk && plan.rows > 0 && (input.walkedByKind || !walk.exclusive)) {
    const grads = { dStates, dGates: DG, dRecurrent: dRecurrentT ? DR : null, dInitial: DI, dParameters: DP };
    const views = {
      batchSizes: input.batchSizes,
      reverse: input.reverse,
      initial: starts,
      weightHh: W,
      states,
      recurrent: R,
      activations: A,
    };
    walked = walk.backward({ ...views, parameters: P, ...grads });
    // Its forward left a layout only the walk's backward reads: the per-step loop cannot follow.
    if (!walked && input.walkedByKind && walk.exclusive) {
      throw new BackendError('sequence scan: the backend walked the forward as a whole sequence but declined its backward');
    }
  }
  const last = walked ? undefined : plan.steps[plan.steps.length - 1];
  if (last) dStates.forEach((dY, j) => backend.copy(rows(dY, last.offset, last.size), rows(C[j]!, 0, last.size)));
  for (let k = walked ? -1 : plan.steps.length - 1; k >= 0; k--) {
    const s = plan.steps[k]!;
    const dg = rows(DG, s.offset, s.size);
    const dr = rows(DR, s.offset, s.size);
    forEachPart(s, (start, count, fromInitial) => {
      const at = (view: View) => rows(view, s.offset + start, count);
      kernels.backward({
        t: s.t,
        recurrent: R ? at(R) : null,
        previous: previousRows(s, states, starts, start, count, fromInitial),
        next: states.map(at),
        activations: A ? at(A) : null,
        parameters: P,
        dNext: C.map((view) => rows(view, start, count)),
        dGates: rows(dg, start, count),
        dRecurrent: dRecurrentT ? rows(dr, start, count) : null,
        dPrevious: DIR.map((view) => (view ? rows(view, start, count) : null)),
        scratch: SCR.map((view) => rows(view, start, count)),
        dParameters: DP,
      });
    });
    // Rows that started from the initial state hand their gradients to it; the rest go to the
    // predecessor, on top of its own output gradients. Only h (state 0) feeds W_hh.
    toInitial(backend, s, dr, W, DI[0]!, DIR[0] ?? undefined);
    const fresh = s.size - s.shared;
    for (let j = 1; j < stateCount; j++) {
      const d = DIR[j];
      if (d && fresh > 0) backend.copy(rows(d, s.shared, fresh), rows(DI[j]!, s.shared, fresh));
    }
    if (s.prevOffset < 0) continue;
    toPredecessor(backend, s, dStates[0]!, dr, W, C[0]!, DIR[0] ?? undefined);
    for (let j = 1; j < stateCount; j++) predecessorRows(backend, s, dStates[j]!, C[j]!, DIR[j] ?? undefined);
  }
  if (dW) weightGrad(backend, plan, DR, states[0]!, starts[0]!, kernelView(dW));
  if (db && plan.rows > 0) {
    const bias = kernelView(db);
    backend.reduce('sum', DR, [0], { ...bias, shape: [1, width], strides: [width, bias.strides[0]!] });
  }
  for (const t of [...carried, ...scratch, ...direct]) t?.dispose();
  dRecurrentT?.dispose();
  return [dGates, ...dInitial, dW, db, ...dParameters];
}
