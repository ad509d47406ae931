// A whole GRU direction as one autograd node on the backend's fused cell kernels (see
// lstm-scan.ts for the approach). gh = h·W_hhᵀ + b_hh stays apart from gx because the GRU
// scales its n part by r; the gh rows of every step are kept for the backward pass. N packed
// rows, B sequences, H hidden; gates r z n (see scan-plan.ts for the rows).

import type { View } from '@recur/backend';
import { attach, backendOf, empty, kernelView, needsGrad, save, type Tensor } from '@recur/tensor';
import { addRecurrent, bySource, planScan, rows, toInitial, toPredecessor, weightGrad, type ScanPlan } from './scan-plan.js';


/**
 * The GRU recurrence over packed rows: `gx` [N, 3H] = x·W_ihᵀ + b_ih (only read), `h0` [B, H]
 * in sorted batch order, `weightHh` [3H, H], `biasHh` [3H] or null. Returns Y [N, H], h_t per row.
 */
export function fusedGruScan(
  gx: Tensor,
  h0: Tensor,
  weightHh: Tensor,
  biasHh: Tensor | null,
  batchSizes: Int32Array,
  reverse: boolean,
): Tensor {
  const backend = backendOf('gruScan', gx, h0, weightHh, ...(biasHh ? [biasHh] : []));
  const fused = backend.fused!;
  const hidden = h0.shape[1]!;
  const plan = planScan(batchSizes, reverse);
  const y = empty([plan.rows, hidden], 'float32', backend);
  const gh = empty([plan.rows, 3 * hidden], 'float32', backend);
  const grad = needsGrad(gx, h0, weightHh, biasHh);
  const act = grad ? empty([plan.rows, 3 * hidden], 'float32', backend) : null;
  const GX = kernelView(gx);
  const GH = kernelView(gh);
  const W = kernelView(weightHh);
  const H0 = kernelView(h0);
  const Y = kernelView(y);
  const A = act ? kernelView(act) : undefined;
  if (biasHh && plan.rows > 0) {
    // Every row starts as b_hh (a stride-0 view repeats it) and gathers h·W_hhᵀ on top.
    const bias = kernelView(biasHh);
    backend.copy({ ...bias, shape: [plan.rows, 3 * hidden], strides: [0, bias.strides[0]!] }, GH);
  }
  for (const s of plan.steps) {
    const g = rows(GH, s.offset, s.size);
    addRecurrent(backend, s, Y, H0, W, g);
    bySource(s, Y, H0, (start, count, hPrev) =>
      fused.gruCell!(
        rows(GX, s.offset + start, count),
        rows(g, start, count),
        hPrev,
        rows(Y, s.offset + start, count),
        A ? rows(A, s.offset + start, count) : undefined,
      ),
    );
  }
  if (!act) {
    gh.dispose();
    return y;
  }
  const saved = [save(act), save(gh), save(y), save(h0), save(weightHh)] as const;
  gh.dispose();
  act.dispose();
  const withBias = biasHh !== null;
  attach(y, 'gruScan', [gx, h0, weightHh, biasHh], (dy) => gruScanBackward(plan, hidden, withBias, saved, dy), [...saved]);
  return y;
}

function gruScanBackward(
  plan: ScanPlan,
  hidden: number,
  withBias: boolean,
  [act, gh, y, h0, weightHh]: readonly [Tensor, Tensor, Tensor, Tensor, Tensor],
  dy: Tensor,
): (Tensor | null)[] {
  const backend = backendOf('gruScan backward', dy, act);
  const fused = backend.fused!;
  const batch = plan.batch;
  const dgx = empty([plan.rows, 3 * hidden], 'float32', backend);
  const dgh = empty([plan.rows, 3 * hidden], 'float32', backend);
  const dh0 = empty([batch, hidden], 'float32', backend);
  const dW = empty([3 * hidden, hidden], 'float32', backend);
  // Without b_hh there is no input to receive db: its slot gets null, as the tape expects.
  const db = withBias ? empty([3 * hidden], 'float32', backend) : null;
  // dh: the total gradient of the step being undone; direct: z·dh, its part that skips W_hh.
  const scratch = [empty([batch, hidden], 'float32', backend), empty([batch, hidden], 'float32', backend)];
  const [DH, DIRECT] = scratch.map(kernelView) as [View, View];
  const A = kernelView(act);
  const GH = kernelView(gh);
  const Y = kernelView(y);
  const D = kernelView(dy);
  const W = kernelView(weightHh);
  const H0 = kernelView(h0);
  const DGX = kernelView(dgx);
  const DGH = kernelView(dgh);
  const DH0 = kernelView(dh0);
  const DW = kernelView(dW);
  const last = plan.steps[plan.steps.length - 1];
  if (last) backend.copy(rows(D, last.offset, last.size), rows(DH, 0, last.size));
  for (let k = plan.steps.length - 1; k >= 0; k--) {
    const s = plan.steps[k]!;
    const dghStep = rows(DGH, s.offset, s.size);
    bySource(s, Y, H0, (start, count, hPrev) =>
      fused.gruCellBackward!(
        rows(A, s.offset + start, count),
        rows(GH, s.offset + start, count),
        hPrev,
        rows(DH, start, count),
        rows(DGX, s.offset + start, count),
        rows(dghStep, start, count),
        rows(DIRECT, start, count),
      ),
    );
    // dh0 and the predecessor's dh: z·dh (DIRECT) + dgh·W_hh, the latter on its own dY.
    toInitial(backend, s, dghStep, W, DH0, DIRECT);
    if (s.prevOffset >= 0) toPredecessor(backend, s, D, dghStep, W, DH, DIRECT);
  }
  weightGrad(backend, plan, DGH, Y, H0, DW);
  if (db && plan.rows > 0) {
    const bias = kernelView(db);
    backend.reduce('sum', DGH, [0], { ...bias, shape: [1, 3 * hidden], strides: [3 * hidden, bias.strides[0]!] });
  }
  for (const t of scratch) t.dispose();
  return [dgx, dh0, dW, db];
}
