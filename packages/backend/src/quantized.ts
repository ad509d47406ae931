// Optional kernels for compressed weights (dynamic int8 quantisation, float16 storage). The
// weights stay int32 buffers, so every dtype check stays honest: int8 values are packed four to a
// word (little-endian: element k of a row is byte k mod 4 of word ⌊k/4⌋, rows padded with zeros
// to whole words), float16 values two to a word (IEEE binary16, element k in the low half when
// k is even). N output rows, K inputs, M rows of x; s[n] the per-row scale: W[n, k] = q[n, k]·s[n].

import type { BackendBuffer, View } from './view.js';

/** Words per row of a packed int8 weight of K inputs. */
export const int8Words = (inputs: number): number => Math.ceil(inputs / 4);
/** Words per row of a packed float16 weight of K inputs. */
export const float16Words = (inputs: number): number => Math.ceil(inputs / 2);

/**
 * The quantised group; every member optional. Views are contiguous; outputs never alias inputs.
 * A layer without a kernel dequantises (on the host) and takes the float32 matmul.
 */
export interface QuantizedKernels<B extends BackendBuffer = BackendBuffer> {
  /**
   * out[M, N] (+)= x[M, K] · Wᵀ with W[n, k] = q[n, k]·scales[n]; `weight` int32 [N, ⌈K/4⌉]
   * packed int8, `scales` float32 [N], x and out float32. A backend may quantise each row of x
   * to R ≥ 16256 levels a side (symmetric, step max|x_m|/R) for integer dot products: the error
   * of out[m, n] is then at most ½·(max|x_m|/R)·Σ_k |W[n, k]| (CPU: R = 32767; WebGPU's
   * dot4I8Packed path: R = 16256, two int8 parts).
   */
  int8Linear?(x: View<B>, weight: View<B>, scales: View<B>, out: View<B>, accumulate: boolean): void;
  /** out[N, K] float32 = q[n, k]·scales[n] from `weight` int32 [N, ⌈K/4⌉] packed int8 (exact). */
  dequantizeInt8?(weight: View<B>, scales: View<B>, out: View<B>): void;
  /** out[N, K] float32 = the float16 values of `weight` int32 [N, ⌈K/2⌉] (exact). */
  dequantizeFloat16?(weight: View<B>, out: View<B>): void;
  /** out[M, N] (+)= x[M, K] · Wᵀ with W float16, `weight` int32 [N, ⌈K/2⌉]; float32 arithmetic. */
  float16Linear?(x: View<B>, weight: View<B>, out: View<B>, accumulate: boolean): void;
}
