// The layer-norm LSTM (PyTorch's benchmarks/fastrnns/custom_lstms.py LayerNormLSTMCell) as a cell
// kind: gates = LN_i(x·W_ihᵀ) + LN_h(h·W_hhᵀ) in the order i f g o, c' = LN_c(σ(f)·c + σ(i)·tanh(g)),
// h' = σ(o)·tanh(c'); no other biases. H hidden, W = 4H gate columns, n rows of a step.
// LN_i runs once over every row (the kind's own projection); LN_h, the gates and LN_c run per step
// on the driver's buffers: the backend's fused layerNormLstmCell pair where it has one, else
// ordinary kernels (about 80 per step), so nothing is allocated per step on any backend.

import type { BackendV1, View } from '@recur/backend';
import { add, matmul, mul, narrow, sigmoid, tanh, tensor, type Tensor } from '@recur/tensor';
import type { LayerNorm } from '../modules/layer-norm.js';
import type { CellKind, DirectionWeights, SequenceKernels } from './cell-kind.js';
import type { ScanState } from './scan.js';
import { columns } from './scan-plan.js';
import { layerNormLstmWalk } from './layer-norm-lstm-walk.js';
import { constant, downRows, firstColumn, normalizeRows, normalizeRowsBackward } from './row-views.js';

/** The three layer norms of one cell (γ/β of each: `weight`, `bias`). */
export interface LayerNorms {
  readonly input: LayerNorm;
  readonly hidden: LayerNorm;
  readonly cell: LayerNorm;
}

/** One composed step (tensor ops) from gx = x·W_ihᵀ: the reference path and the cell's forward. */
export function layerNormLstmStep(gx: Tensor, state: ScanState, weightHh: Tensor, norms: LayerNorms): { h: Tensor; c: Tensor } {
  const hidden = state.h.shape[1]!;
  const gates = add(norms.input.forward(gx), norms.hidden.forward(matmul(state.h, weightHh.T)));
  const block = (k: number) => narrow(gates, 1, k * hidden, hidden);
  const cell = add(mul(sigmoid(block(1)), state.c!), mul(sigmoid(block(0)), tanh(block(2))));
  const c = norms.cell.forward(cell);
  return { h: mul(sigmoid(block(3)), tanh(c)), c };
}

// Activation column blocks (× H) per row: σi σf tanh g σo, ĉ, the per-row stats (column 0 of
// each block), and a 4H temporary. The normalised x̂_h stays in the driver's `recurrent` rows.
const ACT = 0;
const C_HAT = 4;
const RSTD_H = 5;
const RSTD_C = 6;
const MEAN_1 = 7;
const MEAN_2 = 8;
const TEMP = 9;
const BLOCKS = 13;

function sequenceKernels(backend: Parameters<CellKind['sequenceKernels']>[0], norms: LayerNorms, hidden: number): SequenceKernels | null {
  const { input, hidden: normH, cell: normC } = norms;
  // The step kernels read γ/β of LN_h and LN_c and one ε for both (LN_i runs composed in `project`).
  if (!normH.weight || !normH.bias || !normC.weight || !normC.bias || normH.eps !== normC.eps) return null;
  const fused = backend.fused;
  if (fused?.layerNormLstmCell && fused.layerNormLstmCellBackward) {
    const walk = layerNormLstmWalk(backend, hidden, normH.eps, false);
    return { ...fusedKernels(fused as Required<typeof fused>, norms, hidden), ...(walk && { walk }) };
  }
  // The backend's whole-sequence walk where it has one; a walked forward keeps its own layout.
  const walk = layerNormLstmWalk(backend, hidden, normH.eps, true);
  const width = 4 * hidden;
  // 1/W, 1/H and ε as data, so broadcast views can read them (one tensor per call, not per step).
  const constants = tensor([1 / width, 1 / hidden, normH.eps], { backend });
  const H = hidden;
  return {
    ...(walk && { walk }),
    separateRecurrent: true,
    workspace: true,
    activations: BLOCKS,
    scratch: 4,
    // h_{t-1} reaches the step only through W_hh (the recurrent rows); c_{t-1} directly (σf·c).
    directGrad: [false, true],
    parameters: [normH.weight, normH.bias, normC.weight, normC.bias, constants],
    project: (data: Tensor, w: DirectionWeights) => input.forward(matmul(data, w.weightIh.T)),
    forward: ({ gates, recurrent, previous: [, c], next: [h, cNext], activations, parameters: [gammaH, betaH, gammaC, betaC, k] }) => {
      const A = activations!;
      const n = gates.shape[0]!;
      const block = (view: typeof A, start: number, count = 1) => columns(view, start * H, count * H);
      const col = [n, 1];
      const temp = block(A, TEMP, 4);
      // LN_h in place on the recurrent rows (they keep x̂_h for the backward).
      normalizeRows(
        backend,
        recurrent!,
        firstColumn(block(A, RSTD_H)),
        firstColumn(block(A, MEAN_1)),
        temp,
        constant(k!, 0, col),
        constant(k!, 2, col),
      );
      backend.binary('mul', recurrent!, downRows(gammaH!, recurrent!), temp);
      backend.binary('add', gates, temp, gates);
      backend.binary('add', gates, downRows(betaH!, gates), gates);
      const act = block(A, ACT, 4);
      const gate = (j: number) => columns(act, j * H, H);
      backend.unary('sigmoid', columns(gates, 0, 2 * H), columns(act, 0, 2 * H));
      backend.unary('tanh', columns(gates, 2 * H, H), gate(2));
      backend.unary('sigmoid', columns(gates, 3 * H, H), gate(3));
      // s = σf·c + σi·tanh g, normalised in place into ĉ; c' = ĉ·γ_c + β_c.
      const cHat = block(A, C_HAT);
      const small = columns(temp, 0, H);
      backend.binary('mul', gate(1), c!, cHat);
      backend.binary('mul', gate(0), gate(2), small);
      backend.binary('add', cHat, small, cHat);
      normalizeRows(
        backend,
        cHat,
        firstColumn(block(A, RSTD_C)),
        firstColumn(block(A, MEAN_1)),
        columns(temp, H, H),
        constant(k!, 1, col),
        constant(k!, 2, col),
      );
      backend.binary('mul', cHat, downRows(gammaC!, cHat), cNext!);
      backend.binary('add', cNext!, downRows(betaC!, cNext!), cNext!);
      backend.unary('tanh', cNext!, small);
      backend.binary('mul', gate(3), small, h!);
    },
    backward: ({
      activations,
      recurrent,
      previous: [, c],
      next: [, cNext],
      dNext: [dh, dc],
      dGates,
      dRecurrent,
      dPrevious: [, dcPrevious],
      scratch: [s1, s2, s3, s4],
      parameters: [gammaH, , gammaC, , k],
      dParameters: [dGammaH, dBetaH, dGammaC, dBetaC],
    }) => {
      const A = activations!;
      const n = dGates.shape[0]!;
      const block = (view: typeof A, start: number, count = 1) => columns(view, start * H, count * H);
      const col = [n, 1];
      const act = block(A, ACT, 4);
      const [si, sf, tg, so] = [0, 1, 2, 3].map((j) => columns(act, j * H, H)) as [typeof A, typeof A, typeof A, typeof A];
      const dGate = (j: number) => columns(dGates, j * H, H);
      const m1 = firstColumn(block(A, MEAN_1));
      const m2 = firstColumn(block(A, MEAN_2));
      // tc = tanh(c'); d o_pre = dh·tc·σo(1 − σo).
      backend.unary('tanh', cNext!, s1!);
      backend.binary('mul', dh!, s1!, s2!);
      backend.binary('mul', so, so, s3!);
      backend.binary('sub', so, s3!, s4!);
      backend.binary('mul', s2!, s4!, dGate(3));
      // dc' = dc + dh·σo·(1 − tc²).
      backend.binary('mul', s1!, s1!, s2!);
      backend.binary('mul', dh!, so, s3!);
      backend.binary('mul', s3!, s2!, s4!);
      backend.binary('sub', s3!, s4!, s3!);
      backend.binary('add', dc!, s3!, s2!);
      // ds through LN_c (into s3).
      normalizeRowsBackward(
        backend,
        { dy: s2!, xHat: block(A, C_HAT), rstd: firstColumn(block(A, RSTD_C)), gamma: gammaC!, dGamma: dGammaC!, dBeta: dBetaC!, dx: s3! },
        { t1: s3!, t2: s4!, m1, m2, inverseWidth: constant(k!, 1, col) },
      );
      const ds = s3!;
      backend.binary('mul', ds, sf, dcPrevious!);
      // d f_pre = ds·c·σf(1 − σf); d i_pre = ds·tanh g·σi(1 − σi); d g_pre = ds·σi·(1 − tanh²g).
      backend.binary('mul', ds, c!, s1!);
      backend.binary('mul', sf, sf, s2!);
      backend.binary('sub', sf, s2!, s4!);
      backend.binary('mul', s1!, s4!, dGate(1));
      backend.binary('mul', ds, tg, s1!);
      backend.binary('mul', si, si, s2!);
      backend.binary('sub', si, s2!, s4!);
      backend.binary('mul', s1!, s4!, dGate(0));
      backend.binary('mul', ds, si, s1!);
      backend.binary('mul', tg, tg, s2!);
      backend.binary('mul', s1!, s2!, s4!);
      backend.binary('sub', s1!, s4!, dGate(2));
      // The gates' gradient reaches LN_i's output as is (autograd takes it on) and h·W_hhᵀ through LN_h.
      normalizeRowsBackward(
        backend,
        {
          dy: dGates,
          xHat: recurrent!,
          rstd: firstColumn(block(A, RSTD_H)),
          gamma: gammaH!,
          dGamma: dGammaH!,
          dBeta: dBetaH!,
          dx: dRecurrent!,
        },
        { t1: dRecurrent!, t2: block(A, TEMP, 4), m1, m2, inverseWidth: constant(k!, 0, col) },
      );
    },
  };
}

/** The step as the backend's fused pair; `saved` [n, 5H + 3] lives in the first columns of the activations. */
function fusedKernels(fused: Required<NonNullable<BackendV1['fused']>>, norms: LayerNorms, hidden: number): SequenceKernels {
  const { input, hidden: normH, cell: normC } = norms;
  const savedWidth = 5 * hidden + 3;
  const toNorms = ([gammaH, betaH, gammaC, betaC]: readonly View[]) => ({ gammaH: gammaH!, betaH: betaH!, gammaC: gammaC!, betaC: betaC! });
  return {
    separateRecurrent: true,
    activations: Math.ceil(savedWidth / hidden),
    scratch: 0,
    directGrad: [false, true],
    parameters: [normH.weight!, normH.bias!, normC.weight!, normC.bias!],
    project: (data: Tensor, w: DirectionWeights) => input.forward(matmul(data, w.weightIh.T)),
    forward: ({ gates, recurrent, previous: [, c], next: [h, cNext], activations, parameters }) =>
      fused.layerNormLstmCell(
        gates,
        recurrent!,
        c!,
        toNorms(parameters),
        normH.eps,
        h!,
        cNext!,
        activations ? columns(activations, 0, savedWidth) : undefined,
      ),
    backward: ({
      activations,
      recurrent,
      previous: [, c],
      next: [, cNext],
      dNext: [dh, dc],
      dGates,
      dRecurrent,
      dPrevious: [, dcPrevious],
      parameters,
      dParameters,
    }) =>
      fused.layerNormLstmCellBackward(
        columns(activations!, 0, savedWidth),
        recurrent!,
        c!,
        cNext!,
        toNorms(parameters),
        dh!,
        dc!,
        dGates,
        dRecurrent!,
        dcPrevious!,
        toNorms(dParameters),
      ),
  };
}

/** The cell kind of one layer-norm LSTM cell (its layer norms are read at each call). */
export function layerNormLstmKind(norms: LayerNorms, hidden: number): CellKind {
  return {
    name: 'LayerNormLSTM',
    gates: 4,
    states: 2,
    composedStep: (w) => (gx, state) => layerNormLstmStep(gx, state, w.weightHh, norms),
    sequenceKernels: (backend) => sequenceKernels(backend, norms, hidden),
  };
}
