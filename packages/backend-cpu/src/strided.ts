// Walking strided operands that share one shape. Loops are split into runs along the innermost
// dimension: the caller handles a run with a tight loop and only the run starts come from here,
// so the bookkeeping costs O(1) per run, never per element.

import { coalesceDims } from '@recur/backend';

export interface Layout {
  /** Merged shape, at least rank 1 (a scalar becomes [1]). */
  readonly shape: number[];
  /** strides[k] are operand k's strides over `shape`. */
  readonly strides: number[][];
}

/** Coalesce operands of one shape into as few dimensions as possible, keeping rank ≥ 1. */
export function layoutOf(shape: readonly number[], stridesList: readonly (readonly number[])[]): Layout {
  const merged = coalesceDims(shape, stridesList);
  if (merged.shape.length === 0) return { shape: [1], strides: stridesList.map(() => [0]) };
  return merged;
}

/** True when every operand steps by 1 over a single merged dimension. */
export function isFlat(layout: Layout): boolean {
  if (layout.shape.length !== 1) return false;
  for (const strides of layout.strides) if (strides[0] !== 1 && layout.shape[0] !== 1) return false;
  return true;
}

/**
 * Calls `visit(pointers)` once per run of the innermost dimension, in row-major order.
 * pointers[k] is operand k's element offset at the run's start; the array is reused, so the
 * visitor must not keep it. The run length is shape[rank-1], operand k steps strides[k][rank-1].
 */
export function forEachRun(layout: Layout, offsets: readonly number[], visit: (pointers: number[]) => void): void {
  const { shape, strides } = layout;
  const rank = shape.length;
  const operands = strides.length;
  const pointers = offsets.slice();
  let runs = 1;
  for (let d = 0; d < rank - 1; d++) runs *= shape[d]!;
  if (runs === 0 || shape[rank - 1] === 0) return;
  const index = new Array<number>(rank).fill(0);
  for (let run = 0; run < runs; run++) {
    visit(pointers);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < shape[d]!) {
        for (let k = 0; k < operands; k++) pointers[k]! += strides[k]![d]!;
        break;
      }
      index[d] = 0;
      for (let k = 0; k < operands; k++) pointers[k]! -= (shape[d]! - 1) * strides[k]![d]!;
    }
  }
}
