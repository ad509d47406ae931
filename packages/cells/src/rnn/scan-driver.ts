// The scan driver: one direction of one layer for any cell kind. With the kind's sequence
// kernels (and fused kernels on) it projects every row in one GEMM and runs the whole-sequence
// op (sequence-scan.ts); otherwise the composed step-by-step scan (scan.ts). N packed rows, H hidden.

import { add, backendOf, indexSelect, linear, matmul, narrow, type Tensor } from '@recur/tensor';
import type { CellKind, DirectionWeights, SequenceKernels } from './cell-kind.js';
import { scan, type ScanResult, type ScanState } from './scan.js';
import { projectInput } from './project-input.js';
import { finalRows } from './scan-plan.js';
import { sequenceScan } from './sequence-scan.js';
import { rnnSettings } from './steps.js';

/** One direction of one layer: `data` [N, I] packed rows, `initial` in sorted batch order. */
export function runDirection(
  kind: CellKind,
  w: DirectionWeights,
  data: Tensor,
  batchSizes: Int32Array,
  initial: ScanState,
  reverse: boolean,
): ScanResult {
  const kernels = rnnSettings.useFused && batchSizes.length > 0 ? kind.sequenceKernels(backendOf(kind.name, data), w) : null;
  if (kernels) return sequenceDirection(kind, kernels, w, data, batchSizes, initial, reverse);
  // The composed reference: gx = x·W_ihᵀ + b_ih for every row, then the kind's step per time step.
  const projected = matmul(data, w.weightIh.T);
  const gx = w.biasIh ? add(projected, w.biasIh) : projected;
  return scan(gx, batchSizes, initial, reverse, kind.composedStep(w));
}

/** Each sequence's final state from the per-row states [N, ·] (rows in sorted batch order). */
function finalStates(states: Tensor, batchSizes: Int32Array, reverse: boolean): Tensor {
  const where = finalRows(batchSizes, reverse);
  if (Array.isArray(where)) return indexSelect(states, 0, where);
  // A single step (a streaming call) ends where it starts: its rows are the final states, no new view.
  return where.start === 0 && where.count === states.shape[0] ? states : narrow(states, 0, where.start, where.count);
}

function sequenceDirection(
  kind: CellKind,
  kernels: SequenceKernels,
  w: DirectionWeights,
  data: Tensor,
  batchSizes: Int32Array,
  initial: ScanState,
  reverse: boolean,
): ScanResult {
  const hidden = initial.h.shape[1]!;
  let projected: Tensor;
  if (kernels.project) projected = kernels.project(data, w);
  else if (kernels.separateRecurrent) projected = linear(data, w.weightIh, w.biasIh);
  else if (w.biasIh && w.biasHh) {
    // The step sees only b_ih + b_hh, so they join here, in the projection's own node; a fresh
    // tensor either way, which the scan overwrites with its pre-activations.
    projected = projectInput(data, w.weightIh, w.biasIh, w.biasHh);
  } else projected = linear(data, w.weightIh, w.biasIh ?? w.biasHh);
  const states = kind.states === 2 ? [initial.h, initial.c!] : [initial.h];
  const y = sequenceScan(kind.name, kernels, projected, states, w.weightHh, w.biasHh, batchSizes, reverse);
  if (kind.states === 1) return { output: y, last: { h: finalStates(y, batchSizes, reverse), c: null } };
  const h = narrow(y, 1, 0, hidden);
  const c = narrow(y, 1, hidden, hidden);
  return { output: h, last: { h: finalStates(h, batchSizes, reverse), c: finalStates(c, batchSizes, reverse) } };
}
