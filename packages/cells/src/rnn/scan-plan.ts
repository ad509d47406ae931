// The row bookkeeping of the whole-sequence scan op (sequence-scan.ts) on the packed layout.
// Step t owns rows [offset_t, offset_t + b_t) of every [N, ·] buffer
// (N = Σ b_t). Steps run in order (forward) or reversed; the step run just before t is its
// predecessor p. Rows [0, shared) of t continue rows [0, shared) of p, shared = min(b_t, b_p);
// rows [shared, b_t) start from the initial state (only at the first step going forward; as
// sequences begin, going in reverse). Views here are 2-D kernel views.

import type { BackendV1, View } from '@recur/backend';
import { stepOffsets } from '@recur/sequence';
import { empty, kernelView } from '@recur/tensor';

export interface PlannedStep {
  /** The time step. */
  readonly t: number;
  /** Its first row and row count b_t. */
  readonly offset: number;
  readonly size: number;
  /** The predecessor's first row (-1 when none) and how many rows continue from it. */
  readonly prevOffset: number;
  readonly shared: number;
  /** The predecessor's row count b_p (0 when none). */
  readonly prevSize: number;
}

export interface ScanPlan {
  /** The steps in the order they run. */
  readonly steps: readonly PlannedStep[];
  /** N, the number of packed rows. */
  readonly rows: number;
  /** B, the number of sequences. */
  readonly batch: number;
  /** Every step has the full batch (a padded input): whole-buffer GEMMs replace per-step ones. */
  readonly uniform: boolean;
}

export function planScan(batchSizes: Int32Array, reverse: boolean): ScanPlan {
  const offsets = stepOffsets(batchSizes);
  const count = batchSizes.length;
  const steps: PlannedStep[] = [];
  let prevOffset = -1;
  let prevSize = 0;
  for (let k = 0; k < count; k++) {
    const t = reverse ? count - 1 - k : k;
    const size = batchSizes[t]!;
    steps.push({ t, offset: offsets[t]!, size, prevOffset, shared: Math.min(size, prevSize), prevSize });
    prevOffset = offsets[t]!;
    prevSize = size;
  }
  const batch = count > 0 ? batchSizes[0]! : 0;
  const rows = count > 0 ? offsets[count - 1]! + batchSizes[count - 1]! : 0;
  return { steps, rows, batch, uniform: batchSizes.every((b) => b === batch) };
}

/**
 * Calls `part` for each source of step `s`'s previous state: rows [0, shared) continue the
 * predecessor's rows of `outputs`, rows [shared, b_t) start from `initial`'s same rows.
 */
export function bySource(s: PlannedStep, outputs: View, initial: View, part: (start: number, count: number, previous: View) => void): void {
  const fresh = s.size - s.shared;
  if (s.shared > 0) part(0, s.shared, rows(outputs, s.prevOffset, s.shared));
  if (fresh > 0) part(s.shared, fresh, rows(initial, s.shared, fresh));
}

/** target (step s's b_t rows) += h_{t-1}·W_hhᵀ, h_{t-1} from `outputs` and `h0` (bySource). */
export function addRecurrent(backend: BackendV1, s: PlannedStep, outputs: View, h0: View, weight: View, target: View): void {
  bySource(s, outputs, h0, (start, count, previous) =>
    backend.matmul(previous, weight, rows(target, start, count), { transposeB: true, accumulate: true }),
  );
}

/**
 * target (the predecessor's b_p rows) = that step's output gradient `dY`, plus `extra` (this
 * step's rows) on the rows [0, shared) that continue into this step.
 */
export function predecessorRows(backend: BackendV1, s: PlannedStep, dY: View, target: View, extra?: View): void {
  const rest = s.prevSize - s.shared;
  if (extra) backend.binary('add', rows(dY, s.prevOffset, s.shared), rows(extra, 0, s.shared), rows(target, 0, s.shared));
  else backend.copy(rows(dY, s.prevOffset, s.shared), rows(target, 0, s.shared));
  if (rest > 0) backend.copy(rows(dY, s.prevOffset + s.shared, rest), rows(target, s.shared, rest));
}

/** The predecessor's dh: dY (+ `direct`, the part that skips W_hh) + dG·W_hh over the shared rows. */
export function toPredecessor(backend: BackendV1, s: PlannedStep, dY: View, dG: View, weight: View, dh: View, direct?: View): void {
  predecessorRows(backend, s, dY, dh, direct);
  backend.matmul(rows(dG, 0, s.shared), weight, rows(dh, 0, s.shared), { accumulate: true });
}

/** dh0 of the rows of step s that started from the initial state: (`direct` +) dG·W_hh. */
export function toInitial(backend: BackendV1, s: PlannedStep, dG: View, weight: View, dh0: View, direct?: View): void {
  const fresh = s.size - s.shared;
  if (fresh === 0) return;
  if (direct) backend.copy(rows(direct, s.shared, fresh), rows(dh0, s.shared, fresh));
  backend.matmul(rows(dG, s.shared, fresh), weight, rows(dh0, s.shared, fresh), { accumulate: !!direct });
}

/** Rows [start, start + count) of a 2-D view. */
export function rows(view: View, start: number, count: number): View {
  return { ...view, shape: [count, view.shape[1]!], offset: view.offset + start * view.strides[0]! };
}

/** Columns [start, start + width) of a 2-D view. */
export function columns(view: View, start: number, width: number): View {
  return { ...view, shape: [view.shape[0]!, width], offset: view.offset + start * view.strides[1]! };
}

/**
 * Where each sequence's final state sits: a contiguous block of rows, or one row per sequence
 * (sorted batch order). Going forward, sequence b ends at the last step with b_t > b; in
 * reverse, every sequence ends at step 0.
 */
export function finalRows(batchSizes: Int32Array, reverse: boolean): { start: number; count: number } | number[] {
  const batch = batchSizes[0] ?? 0;
  const steps = batchSizes.length;
  if (reverse) return { start: 0, count: batch };
  const offsets = stepOffsets(batchSizes);
  if (batchSizes[steps - 1] === batch) return { start: offsets[steps - 1]!, count: batch };
  const result = new Array<number>(batch);
  let t = steps - 1;
  // Batch sizes never grow with t, so the last step holding sequence b moves back as b rises.
  for (let b = 0; b < batch; b++) {
    while (batchSizes[t]! <= b) t--;
    result[b] = offsets[t]! + b;
  }
  return result;
}

/**
 * dW_hh += Σ_t dG_tᵀ·h_{t-1} over all rows in one or two GEMMs, never one per step (a GEMM with
 * K = b_t is mostly packing). With the whole batch at every step, the rows before each step form
 * one block shifted by B rows (back going forward, ahead going in reverse) and the first step
 * pairs with h0. Otherwise the h_{t-1} rows are gathered once into a [N, H] buffer, a row copy
 * per step, ahead of a single GEMM. `dG` [N, G], `outputs` the h rows [N, H], `h0` [B, H].
 */
export function weightGrad(backend: BackendV1, plan: ScanPlan, dG: View, outputs: View, h0: View, dW: View): void {
  const first = plan.steps[0];
  if (!first) return;
  const plusAT = { transposeA: true, accumulate: true } as const;
  if (plan.uniform) {
    const batch = plan.batch;
    const rest = plan.rows - batch;
    backend.matmul(rows(dG, first.offset, batch), h0, dW, plusAT);
    if (rest === 0) return;
    const forward = first.offset === 0;
    backend.matmul(rows(dG, forward ? batch : 0, rest), rows(outputs, forward ? 0 : batch, rest), dW, plusAT);
    return;
  }
  const previous = empty([plan.rows, outputs.shape[1]!], 'float32', backend);
  const P = kernelView(previous);
  for (const s of plan.steps) {
    const fresh = s.size - s.shared;
    if (s.shared > 0) backend.copy(rows(outputs, s.prevOffset, s.shared), rows(P, s.offset, s.shared));
    if (fresh > 0) backend.copy(rows(h0, s.shared, fresh), rows(P, s.offset + s.shared, fresh));
  }
  backend.matmul(dG, P, dW, plusAT);
  previous.dispose();
}
