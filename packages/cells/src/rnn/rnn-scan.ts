// A whole Elman RNN direction (tanh or ReLU) as one autograd node built from ordinary backend
// kernels on row views, so it runs on every backend without per-step tensors: each step is one
// GEMM h_{t-1}·W_hhᵀ accumulated into its pre-activation rows and one unary kernel. Backward:
// d pre = dh·(1 − y²) for tanh, dh·sign(y) for ReLU (y ≥ 0, so sign is the 0/1 mask). N packed
// rows, B sequences, H hidden (see scan-plan.ts for the rows).

import type { View } from '@recur/backend';
import { attach, backendOf, empty, kernelView, needsGrad, save, type Tensor } from '@recur/tensor';
import { addRecurrent, planScan, rows, toInitial, toPredecessor, weightGrad, type ScanPlan } from './scan-plan.js';
import type { Nonlinearity } from './steps.js';


/**
 * The recurrence h_t = f(pre_t + h_{t-1}·W_hhᵀ) over packed rows. `pre` [N, H] holds
 * x·W_ihᵀ + b_ih + b_hh per row and is overwritten (the caller hands over a tensor nothing else
 * reads); `h0` [B, H] in sorted batch order; `weightHh` [H, H]. Returns Y [N, H], h_t per row.
 */
export function rnnScan(
  pre: Tensor,
  h0: Tensor,
  weightHh: Tensor,
  nonlinearity: Nonlinearity,
  batchSizes: Int32Array,
  reverse: boolean,
): Tensor {
  const backend = backendOf('rnnScan', pre, h0, weightHh);
  const hidden = h0.shape[1]!;
  const plan = planScan(batchSizes, reverse);
  const y = empty([plan.rows, hidden], 'float32', backend);
  const P = kernelView(pre);
  const W = kernelView(weightHh);
  const H0 = kernelView(h0);
  const Y = kernelView(y);
  for (const s of plan.steps) {
    const p = rows(P, s.offset, s.size);
    addRecurrent(backend, s, Y, H0, W, p);
    backend.unary(nonlinearity, p, rows(Y, s.offset, s.size));
  }
  if (!needsGrad(pre, h0, weightHh)) return y;
  const saved = [save(y), save(h0), save(weightHh)] as const;
  attach(y, 'rnnScan', [pre, h0, weightHh], (dy) => rnnScanBackward(plan, hidden, nonlinearity, saved, dy), [...saved]);
  return y;
}

function rnnScanBackward(
  plan: ScanPlan,
  hidden: number,
  nonlinearity: Nonlinearity,
  [y, h0, weightHh]: readonly [Tensor, Tensor, Tensor],
  dy: Tensor,
): Tensor[] {
  const backend = backendOf('rnnScan backward', dy, y);
  const batch = plan.batch;
  const dPre = empty([plan.rows, hidden], 'float32', backend);
  const dh0 = empty([batch, hidden], 'float32', backend);
  const dW = empty([hidden, hidden], 'float32', backend);
  // dh: the total gradient of the step being undone; t1, t2: room for f'(y).
  const scratch = [0, 1, 2].map(() => empty([batch, hidden], 'float32', backend));
  const [DH, T1, T2] = scratch.map(kernelView) as [View, View, View];
  const Y = kernelView(y);
  const D = kernelView(dy);
  const W = kernelView(weightHh);
  const H0 = kernelView(h0);
  const DP = kernelView(dPre);
  const DH0 = kernelView(dh0);
  const DW = kernelView(dW);
  const last = plan.steps[plan.steps.length - 1];
  if (last) backend.copy(rows(D, last.offset, last.size), rows(DH, 0, last.size));
  for (let k = plan.steps.length - 1; k >= 0; k--) {
    const s = plan.steps[k]!;
    const n = s.size;
    const dp = rows(DP, s.offset, n);
    const yt = rows(Y, s.offset, n);
    const dh = rows(DH, 0, n);
    if (nonlinearity === 'tanh') {
      // dh − (dh·y)·y = dh·(1 − y²), without a constant 1 buffer.
      backend.binary('mul', dh, yt, rows(T1, 0, n));
      backend.binary('mul', rows(T1, 0, n), yt, rows(T2, 0, n));
      backend.binary('sub', dh, rows(T2, 0, n), dp);
    } else {
      backend.unary('sign', yt, rows(T1, 0, n));
      backend.binary('mul', dh, rows(T1, 0, n), dp);
    }
    toInitial(backend, s, dp, W, DH0);
    if (s.prevOffset >= 0) toPredecessor(backend, s, D, dp, W, DH);
  }
  weightGrad(backend, plan, DP, Y, H0, DW);
  for (const t of scratch) t.dispose();
  return [dPre, dh0, dW];
}
