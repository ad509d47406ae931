// Strided operands of one shape as kernels see them: dims merged with coalesceDims, the rank
// then rounded up to 1, 2, 4, 8… with size-1 dims (each rank is its own shader compile), packed
// into param words as [shape…, then per operand: offset, strides…], and the WGSL that turns a
// row-major element index into each operand's buffer index o0, o1, … (i32).

import { coalesceDims, type View } from '@recur/backend';

export interface StridedLayout {
  /** Merged shape, at least rank 1 (a scalar becomes [1]). */
  readonly shape: readonly number[];
  /** strides[k] are operand k's strides over `shape`. */
  readonly strides: readonly (readonly number[])[];
  readonly offsets: readonly number[];
}

/** Merge the dims of views sharing `shape` (views[k].strides index over it). */
export function stridedLayout(shape: readonly number[], views: readonly Pick<View, 'strides' | 'offset'>[]): StridedLayout {
  return mergedLayout(
    shape,
    views.map((view) => view.strides),
    views.map((view) => view.offset),
  );
}

export function mergedLayout(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
  offsets: readonly number[],
): StridedLayout {
  const merged = coalesceDims(shape, stridesList);
  const rank = merged.shape.length;
  const bucket = rank <= 2 ? Math.max(1, rank) : 2 ** Math.ceil(Math.log2(rank));
  return padRank({ shape: merged.shape, strides: merged.strides, offsets }, bucket);
}

/** The param words of a layout, in the order `offsetCode` reads them. */
export function layoutWords(layout: StridedLayout): number[] {
  const words = [...layout.shape];
  layout.strides.forEach((strides, k) => words.push(layout.offsets[k]!, ...strides));
  return words;
}

export function layoutWordCount(rank: number, operands: number): number {
  return rank + operands * (1 + rank);
}

/**
 * WGSL declaring `var {prefix}{k}: i32` for each operand: the buffer index of row-major element
 * `index` (a u32 expression), from the layout words starting at param word `base`.
 */
export function offsetCode(rank: number, operands: number, base: number, index: string, prefix = 'o'): string {
  const shapeWord = (d: number): number => base + d;
  const offsetWord = (k: number): number => base + rank + k * (1 + rank);
  const strideWord = (k: number, d: number): number => offsetWord(k) + 1 + d;
  const ks = Array.from({ length: operands }, (_, k) => k);
  const lines = ks.map((k) => `  var ${prefix}${k}: i32 = pi(${offsetWord(k)}u);`);
  lines.push(`  var ${prefix}rest: u32 = ${index};`);
  for (let d = rank - 1; d >= 0; d--) {
    // The outermost coordinate is what remains; no division needed.
    const coordinate = d === 0 ? `i32(${prefix}rest)` : `i32(${prefix}rest % pu(${shapeWord(d)}u))`;
    lines.push(`  { let c = ${coordinate};`);
    for (const k of ks) lines.push(`    ${prefix}${k} += c * pi(${strideWord(k, d)}u);`);
    if (d > 0) lines.push(`    ${prefix}rest = ${prefix}rest / pu(${shapeWord(d)}u);`);
    lines.push('  }');
  }
  return lines.join('\n');
}

/** The layout with size-1 dims (stride 0) prepended up to `rank`. */
export function padRank(layout: StridedLayout, rank: number): StridedLayout {
  const missing = rank - layout.shape.length;
  if (missing <= 0) return layout;
  const ones = new Array<number>(missing).fill(1);
  const zeros = new Array<number>(missing).fill(0);
  return { shape: [...ones, ...layout.shape], strides: layout.strides.map((strides) => [...zeros, ...strides]), offsets: layout.offsets };
}
