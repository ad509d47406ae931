// A whole LSTM direction as one autograd node on the backend's fused cell kernels, in the manner
// of cuDNN: every buffer is allocated once per call (no tensor per time step), each step is one
// GEMM h_{t-1}·W_hhᵀ accumulated into its gate rows plus one fused cell kernel, and the backward
// pass walks the steps in reverse and forms dW_hh in one GEMM over all rows (scan-plan.ts
// weightGrad). N packed rows, B sequences, H hidden; gates i f g o (see scan-plan.ts for the rows).

import type { View } from '@recur/backend';
import { attach, backendOf, empty, kernelView, needsGrad, save, type Tensor } from '@recur/tensor';
import { addRecurrent, bySource, columns, planScan, predecessorRows, rows, toInitial, toPredecessor, weightGrad, type ScanPlan } from './scan-plan.js';


/**
 * The LSTM recurrence over packed rows. `gates` [N, 4H] holds x·W_ihᵀ + b_ih + b_hh per row and
 * is overwritten with the pre-activations: the caller hands over a tensor nothing else reads
 * (its producers' VJPs need only their inputs). `h0`, `c0` [B, H] are the initial states in
 * sorted batch order, `weightHh` [4H, H]. Returns Y [N, 2H] holding (h_t | c_t) per row.
 */
export function fusedLstmScan(
  gates: Tensor,
  h0: Tensor,
  c0: Tensor,
  weightHh: Tensor,
  batchSizes: Int32Array,
  reverse: boolean,
): Tensor {
  const backend = backendOf('lstmScan', gates, h0, c0, weightHh);
  const fused = backend.fused!;
  const hidden = h0.shape[1]!;
  const plan = planScan(batchSizes, reverse);
  const y = empty([plan.rows, 2 * hidden], 'float32', backend);
  const grad = needsGrad(gates, h0, c0, weightHh);
  const act = grad ? empty([plan.rows, 4 * hidden], 'float32', backend) : null;
  const G = kernelView(gates);
  const W = kernelView(weightHh);
  const H0 = kernelView(h0);
  const C0 = kernelView(c0);
  const Y = kernelView(y);
  const Yh = columns(Y, 0, hidden);
  const Yc = columns(Y, hidden, hidden);
  const A = act ? kernelView(act) : undefined;
  for (const s of plan.steps) {
    const g = rows(G, s.offset, s.size);
    addRecurrent(backend, s, Yh, H0, W, g);
    bySource(s, Yc, C0, (start, count, cPrev) =>
      fused.lstmCell!(
        rows(g, start, count),
        cPrev,
        rows(Yh, s.offset + start, count),
        rows(Yc, s.offset + start, count),
        A ? rows(A, s.offset + start, count) : undefined,
      ),
    );
  }
  if (!act) return y;
  // Saved aliases live with the graph; the handles made here may be freed by a caller's scope.
  const saved = [save(act), save(y), save(h0), save(c0), save(weightHh)] as const;
  act.dispose();
  attach(y, 'lstmScan', [gates, h0, c0, weightHh], (dy) => lstmScanBackward(plan, hidden, saved, dy), [...saved]);
  return y;
}

function lstmScanBackward(
  plan: ScanPlan,
  hidden: number,
  [act, y, h0, c0, weightHh]: readonly [Tensor, Tensor, Tensor, Tensor, Tensor],
  dy: Tensor,
): Tensor[] {
  const backend = backendOf('lstmScan backward', dy, act);
  const fused = backend.fused!;
  const batch = plan.batch;
  const dGates = empty([plan.rows, 4 * hidden], 'float32', backend);
  const dh0 = empty([batch, hidden], 'float32', backend);
  const dc0 = empty([batch, hidden], 'float32', backend);
  const dW = empty([4 * hidden, hidden], 'float32', backend);
  // dh, dc: the total gradients of the step being undone; dcPrev: what it sends back through c.
  const scratch = [empty([batch, hidden], 'float32', backend), empty([batch, hidden], 'float32', backend), empty([batch, hidden], 'float32', backend)];
  const [DH, DC, DCP] = scratch.map(kernelView) as [View, View, View];
  const A = kernelView(act);
  const Y = kernelView(y);
  const Yh = columns(Y, 0, hidden);
  const Yc = columns(Y, hidden, hidden);
  const D = kernelView(dy);
  const dYh = columns(D, 0, hidden);
  const dYc = columns(D, hidden, hidden);
  const W = kernelView(weightHh);
  const H0 = kernelView(h0);
  const C0 = kernelView(c0);
  const DG = kernelView(dGates);
  const DH0 = kernelView(dh0);
  const DC0 = kernelView(dc0);
  const DW = kernelView(dW);
  const last = plan.steps[plan.steps.length - 1];
  if (last) {
    backend.copy(rows(dYh, last.offset, last.size), rows(DH, 0, last.size));
    backend.copy(rows(dYc, last.offset, last.size), rows(DC, 0, last.size));
  }
  for (let k = plan.steps.length - 1; k >= 0; k--) {
    const s = plan.steps[k]!;
    const dg = rows(DG, s.offset, s.size);
    bySource(s, Yc, C0, (start, count, cPrev) =>
      fused.lstmCellBackward!(
        rows(A, s.offset + start, count),
        cPrev,
        rows(Yc, s.offset + start, count),
        rows(DH, start, count),
        rows(DC, start, count),
        rows(dg, start, count),
        rows(DCP, start, count),
      ),
    );
    // Rows that started from the initial state hand their gradients to h0 and c0; the rest go
    // to the predecessor, on top of its own output gradients.
    toInitial(backend, s, dg, W, DH0);
    const fresh = s.size - s.shared;
    if (fresh > 0) backend.copy(rows(DCP, s.shared, fresh), rows(DC0, s.shared, fresh));
    if (s.prevOffset < 0) continue;
    toPredecessor(backend, s, dYh, dg, W, DH);
    predecessorRows(backend, s, dYc, DC, DCP);
  }
  weightGrad(backend, plan, DG, Yh, H0, DW);
  for (const t of scratch) t.dispose();
  return [dGates, dh0, dc0, dW];
}
