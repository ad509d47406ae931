// Symmetric per-row int8 quantisation, as PyTorch's dynamic quantisation stores weights: row n of
// W [N, K] gets the scale s[n] = max_k |W[n, k]| / 127 and q[n, k] = round(W[n, k] / s[n]) in
// [-127, 127], rounding half to even as torch does (nearbyint). W[n, k] ≈ q[n, k]·s[n].

import { ValueError } from '@recur/backend';

export interface Int8Rows {
  /** q [N·K], row-major. */
  readonly values: Int8Array<ArrayBuffer>;
  /** s [N], float32. */
  readonly scales: Float32Array<ArrayBuffer>;
}

/** Round half to even (IEEE roundTiesToEven, C's nearbyint in the default mode). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Quantise `rows`·`cols` float32 values (row-major) to int8 with one scale per row. */
export function quantizeInt8Rows(weights: Float32Array, rows: number, cols: number, what = 'quantizeInt8'): Int8Rows {
  if (weights.length !== rows * cols)
    throw new ValueError(`${what}: expected ${rows}×${cols} = ${rows * cols} values; got ${weights.length}`);
  const values = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let n = 0; n < rows; n++) {
    let largest = 0;
    for (let k = n * cols; k < (n + 1) * cols; k++) {
      const w = weights[k]!;
      if (!Number.isFinite(w)) throw new ValueError(`${what}: weights must be finite to quantise; row ${n} holds ${w}`);
      largest = Math.max(largest, Math.abs(w));
    }
    const scale = Math.fround(largest / 127);
    scales[n] = scale;
    if (scale === 0) continue; // an all-zero row stays zero
    for (let k = n * cols; k < (n + 1) * cols; k++) {
      values[k] = Math.max(-127, Math.min(127, roundHalfEven(weights[k]! / scale)));
    }
  }
  return { values, scales };
}

/** q[n, k]·s[n] as float32 [N·K] (the product a kernel computes, rounded to float32). */
export function dequantizeInt8Rows(values: Int8Array, scales: Float32Array, cols: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(values.length);
  for (let n = 0; n < scales.length; n++) {
    const scale = scales[n]!;
    for (let k = n * cols; k < (n + 1) * cols; k++) out[k] = values[k]! * scale;
  }
  return out;
}

/** The packed int32 words of q [N, K]: four int8 per word, little-endian, rows padded to ⌈K/4⌉ words. */
export function packInt8Words(values: Int8Array, rows: number, cols: number): Int32Array<ArrayBuffer> {
  const words = Math.ceil(cols / 4);
  const bytes = new Int8Array(rows * words * 4);
  for (let n = 0; n < rows; n++) bytes.set(values.subarray(n * cols, (n + 1) * cols), n * words * 4);
  const packed = new Int32Array(rows * words);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < packed.length; i++) packed[i] = view.getInt32(4 * i, true);
  return packed;
}
