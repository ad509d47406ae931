// Packing one operand block of the wasm sgemm into the strips its kernel reads, in wasm memory:
// `count` lines (rows of A, columns of B) × kc values of k, strips of w = MR or NR lines. Layouts
// with long contiguous runs are staged with one `set` per run and packed by wasm SIMD; any other
// layout (and the last, partial strip) is packed element by element here. An operand resident in
// the runtime's memory (memory.ts) with evenly spaced runs is packed by wasm straight from there.

import type { WasmRuntime } from './wasm-runtime.js';

/** An operand as the offset tables see it: element (line, k) = source[lines[line] + k·strideK]. */
export interface Operand {
  readonly source: Float32Array;
  readonly lines: Int32Array;
  readonly strideK: number;
  /** Byte offset of source[0] in the runtime's memory when the source lives there, else null. */
  readonly resident?: number | null;
}

// Shorter runs cost more in `set` calls than element copies do.
const MIN_RUN = 32;
/** Staging room: 32 KiB, so a staged chunk is still in L1 when wasm packs it. */
export const STAGE_FLOATS = 8192;

/**
 * `count` lines (rows of A or columns of B) from `first`, k from k0 to k0 + kc, as strips of
 * `width` (4 or 8) lines, k-major inside a strip; lines past `count` are zero.
 */
function packStrips(
  heap: Float32Array,
  at: number,
  source: Float32Array,
  lines: Int32Array,
  first: number,
  count: number,
  strideK: number,
  k0: number,
  kc: number,
  width: 4 | 8,
): void {
  let q = at;
  const start = k0 * strideK;
  for (let s = 0; s < count; s += width) {
    if (width === 8 && s + 8 <= count) {
      let l0 = lines[first + s]! + start,
        l1 = lines[first + s + 1]! + start;
      let l2 = lines[first + s + 2]! + start,
        l3 = lines[first + s + 3]! + start;
      let l4 = lines[first + s + 4]! + start,
        l5 = lines[first + s + 5]! + start;
      let l6 = lines[first + s + 6]! + start,
        l7 = lines[first + s + 7]! + start;
      for (let k = 0; k < kc; k++, q += 8) {
        heap[q] = source[l0]!;
        heap[q + 1] = source[l1]!;
        heap[q + 2] = source[l2]!;
        heap[q + 3] = source[l3]!;
        heap[q + 4] = source[l4]!;
        heap[q + 5] = source[l5]!;
        heap[q + 6] = source[l6]!;
        heap[q + 7] = source[l7]!;
        l0 += strideK;
        l1 += strideK;
        l2 += strideK;
        l3 += strideK;
        l4 += strideK;
        l5 += strideK;
        l6 += strideK;
        l7 += strideK;
      }
    } else if (width === 4 && s + 4 <= count) {
      let l0 = lines[first + s]! + start,
        l1 = lines[first + s + 1]! + start;
      let l2 = lines[first + s + 2]! + start,
        l3 = lines[first + s + 3]! + start;
      for (let k = 0; k < kc; k++, q += 4) {
        heap[q] = source[l0]!;
        heap[q + 1] = source[l1]!;
        heap[q + 2] = source[l2]!;
        heap[q + 3] = source[l3]!;
        l0 += strideK;
        l1 += strideK;
        l2 += strideK;
        l3 += strideK;
      }
    } else {
      const live = count - s;
      for (let k = 0; k < kc; k++, q += width) {
        for (let l = 0; l < width; l++) heap[q + l] = l < live ? source[lines[first + s + l]! + start + k * strideK]! : 0;
      }
    }
  }
}

/** Whether lines first…first+count sit one element apart. */
function unitLines(lines: Int32Array, first: number, count: number): boolean {
  for (let l = 1; l < count; l++) if (lines[first + l] !== lines[first]! + l) return false;
  return true;
}

/**
 * Copies `runs` runs of `length` floats, run r from source[offsets(r)…], to the heap at `stage`
 * and returns their pitch there. Runs evenly spaced at most 2·length apart go in one `set` of
 * the whole span (gaps included, keeping the source's pitch); others go one `set` each.
 */
function stageRuns(
  runtime: WasmRuntime,
  heap: Float32Array,
  stage: number,
  source: Float32Array,
  offsets: (run: number) => number,
  runs: number,
  length: number,
): number {
  const start = offsets(0);
  const pitch = runs > 1 ? offsets(1) - start : length;
  let even = pitch >= length && pitch <= 2 * length;
  for (let r = 2; even && r < runs; r++) even = offsets(r) === start + r * pitch;
  if (even) {
    heap.set(source.subarray(start, start + (runs - 1) * pitch + length), stage);
    runtime.stats.stagedBytes += ((runs - 1) * pitch + length) * 4;
    return pitch;
  }
  for (let r = 0; r < runs; r++) {
    const from = offsets(r);
    heap.set(source.subarray(from, from + length), stage + r * length);
  }
  runtime.stats.stagedBytes += runs * length * 4;
  return length;
}

/**
 * Where a resident operand's runs already sit evenly spaced (any pitch ≥ 0): the byte address
 * of the first and the pitch in bytes, for the pack kernels to read in place; else null.
 */
function inPlace(resident: number | null | undefined, offsets: (run: number) => number, runs: number): [number, number] | null {
  if (resident === null || resident === undefined) return null;
  const start = offsets(0);
  const pitch = runs > 1 ? offsets(1) - start : 0;
  if (pitch < 0) return null;
  for (let r = 2; r < runs; r++) if (offsets(r) !== start + r * pitch) return null;
  return [resident + start * 4, pitch * 4];
}

/**
 * Packs lines first…first+count, k0…k0+kc of `operand` at float index `target`, staging the
 * copies a chunk at a time through STAGE_FLOATS floats at float index `stage`.
 */
export function packBlock(
  runtime: WasmRuntime,
  heap: Float32Array,
  target: number,
  stage: number,
  operand: Operand,
  first: number,
  count: number,
  k0: number,
  kc: number,
  width: 4 | 8,
): void {
  const { source, lines, strideK } = operand;
  const full = count - (count % width);
  const kernels = runtime.kernels;
  // Chunks leave room for runs staged with gaps up to their own length.
  if (full > 0 && strideK === 1 && kc >= MIN_RUN) {
    // Each line is a run along k: stage whole strips of lines, transpose them into strips.
    const pack = width === 8 ? kernels.packLines8 : kernels.packLines4;
    const chunk = Math.max(width, Math.floor(STAGE_FLOATS / (2 * kc * width)) * width);
    for (let from = 0; from < full; from += chunk) {
      const size = Math.min(chunk, full - from);
      const offsets = (l: number): number => lines[first + from + l]! + k0;
      const [src, pitch] = inPlace(operand.resident, offsets, size) ?? [
        stage * 4,
        stageRuns(runtime, heap, stage, source, offsets, size, kc) * 4,
      ];
      pack(src, pitch, kc, size / width, (target + from * kc) * 4);
    }
  } else if (full >= MIN_RUN && unitLines(lines, first, full)) {
    // Each k is a run across the lines: stage a few k rows, copy them into every strip.
    const pack = width === 8 ? kernels.packRows8 : kernels.packRows4;
    const chunk = Math.max(1, Math.floor(STAGE_FLOATS / (2 * full)));
    const base = lines[first]! + k0 * strideK;
    for (let from = 0; from < kc; from += chunk) {
      const size = Math.min(chunk, kc - from);
      const offsets = (k: number): number => base + (from + k) * strideK;
      const [src, pitch] = inPlace(operand.resident, offsets, size) ?? [
        stage * 4,
        stageRuns(runtime, heap, stage, source, offsets, size, full) * 4,
      ];
      pack(src, pitch, size, full / width, (target + from * width) * 4, kc * width * 4);
    }
  } else {
    packStrips(heap, target, source, lines, first, full, strideK, k0, kc, width);
  }
  if (full < count) packStrips(heap, target + full * kc, source, lines, first + full, count - full, strideK, k0, kc, width);
}
