// int8Linear and float16Linear bit for bit against references that spell out each path's exact
// arithmetic: the wasm kernels' lanes (int8: x quantised per row to int16, int32 lane sums of
// i32x4.dot_i16x8_s moved to float32 every 128 groups of 16; float16: float32 lane sums over
// groups of 8) and the TypeScript loops. Odd sizes, batch 1 and more, offsets, accumulate.
// M rows of x, K inputs, N outputs.

import { describe, expect, it } from 'vitest';
import { float16Words, int8Words, mulberry32, type View } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import type { CpuBuffer } from './memory.js';

type Backend = ReturnType<typeof createCpuBackend>;

/** The wasm int8 kernel's arithmetic: per x row int16 quantisation, lane sums, epilogue in float64. */
function int8Wasm(
  x: Float32Array,
  q: Int8Array,
  scales: Float32Array,
  M: number,
  K: number,
  N: number,
  out: Float32Array,
  add: boolean,
): void {
  const groups = Math.ceil(K / 16);
  const xq = new Int32Array(groups * 16);
  for (let m = 0; m < M; m++) {
    let largest = 0;
    for (let k = 0; k < K; k++) largest = Math.max(largest, Math.abs(x[m * K + k]!));
    if (largest === 0 || !Number.isFinite(largest)) {
      const fill = largest === 0 ? 0 : NaN;
      for (let n = 0; n < N; n++) out[m * N + n] = add ? out[m * N + n]! + fill : fill;
      continue;
    }
    const step = largest / 32767;
    for (let k = 0; k < K; k++) xq[k] = Math.round(x[m * K + k]! / step);
    for (let n = 0; n < N; n++) {
      const floats = [0, 0, 0, 0];
      for (let g0 = 0; g0 < groups; g0 += 128) {
        const ints = [0, 0, 0, 0];
        for (let g = g0; g < Math.min(groups, g0 + 128); g++) {
          for (let j = 0; j < 4; j++) {
            for (const k of [16 * g + 2 * j, 16 * g + 2 * j + 1, 16 * g + 8 + 2 * j, 16 * g + 9 + 2 * j]) {
              if (k < K) ints[j]! += q[n * K + k]! * xq[k]!;
            }
          }
        }
        for (let j = 0; j < 4; j++) floats[j] = Math.fround(floats[j]! + Math.fround(ints[j]!));
      }
      const dot = Math.fround(Math.fround(floats[0]! + floats[1]!) + Math.fround(floats[2]! + floats[3]!));
      const value = dot * (scales[n]! * step);
      out[m * N + n] = add ? out[m * N + n]! + value : value;
    }
  }
}

/** The TypeScript int8 loop: float64 sums of x·q, rounded to float32, times the scale. */
function int8Loop(
  x: Float32Array,
  q: Int8Array,
  scales: Float32Array,
  M: number,
  K: number,
  N: number,
  out: Float32Array,
  add: boolean,
): void {
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += x[m * K + k]! * q[n * K + k]!;
      const value = Math.fround(sum) * scales[n]!;
      out[m * N + n] = add ? out[m * N + n]! + value : value;
    }
  }
}

/** The value of a finite half. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  return exponent === 0 ? sign * fraction * 2 ** -24 : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The wasm float16 kernel's arithmetic: float32 lane sums over groups of 8 (lanes k mod 8 < 4, ≥ 4), then the lanes. */
function float16Wasm(x: Float32Array, w: Float64Array, M: number, K: number, N: number, out: Float32Array, add: boolean): void {
  const groups = Math.ceil(K / 8);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const low = [0, 0, 0, 0];
      const high = [0, 0, 0, 0];
      for (let g = 0; g < groups; g++) {
        for (let j = 0; j < 4; j++) {
          const [kl, kh] = [8 * g + j, 8 * g + 4 + j];
          const pl = kl < K ? Math.fround(x[m * K + kl]! * w[n * K + kl]!) : 0;
          const ph = kh < K ? Math.fround(x[m * K + kh]! * w[n * K + kh]!) : 0;
          low[j] = Math.fround(low[j]! + pl);
          high[j] = Math.fround(high[j]! + ph);
        }
      }
      const s = low.map((v, j) => Math.fround(v + high[j]!));
      const dot = Math.fround(Math.fround(s[0]! + s[1]!) + Math.fround(s[2]! + s[3]!));
      out[m * N + n] = add ? out[m * N + n]! + dot : dot;
    }
  }
}

/** The TypeScript float16 loop: float32 sums in k order. */
function float16Loop(x: Float32Array, w: Float64Array, M: number, K: number, N: number, out: Float32Array, add: boolean): void {
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum = Math.fround(sum + Math.fround(x[m * K + k]! * w[n * K + k]!));
      out[m * N + n] = add ? out[m * N + n]! + sum : sum;
    }
  }
}

/** A [rows, cols] view of `data` written at element `offset` of a larger buffer. */
function upload(backend: Backend, data: Float32Array | Int32Array, rows: number, cols: number, offset: number): View<CpuBuffer> {
  const dtype = data instanceof Float32Array ? 'float32' : 'int32';
  const buffer = backend.alloc(offset + data.length + 3, dtype);
  backend.write(buffer, data as Float32Array<ArrayBuffer>, offset);
  return { buffer, dtype, shape: [rows, cols], strides: [cols, 1], offset };
}

const bits = (values: Float32Array): number[] => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

/** x with rows of very different magnitudes, a zero row (row 1) and, for int8, an infinite entry (row 3). */
function activations(random: () => number, M: number, K: number, infinite = false): Float32Array {
  const x = Float32Array.from({ length: M * K }, (_, i) => (random() - 0.5) * 4 * 10 ** (Math.floor(i / K) % 3));
  if (M > 2) x.fill(0, K, 2 * K);
  if (M > 3 && infinite) x[3 * K + (K >> 1)] = -Infinity;
  return x;
}

// [M, K, N]: K across the groups of 16 and 8 and past one i32 block (2048 inputs), odd N, batch 1 and more.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 37, 5],
  [3, 37, 5],
  [1, 64, 33],
  [4, 64, 33],
  [1, 100, 7],
  [5, 13, 64],
  [1, 2068, 9],
  [3, 2068, 9],
  [1, 1024, 257],
  [2, 48, 130],
];

describe.each([true, false])('quantised linear layers bit for bit (simd %s)', (simd) => {
  it.each(SHAPES)('int8: x [%i, %i] · q [N=%i]ᵀ, offsets, accumulate and not, three calls', (M, K, N) => {
    const backend = createCpuBackend({ simd, threads: 1 });
    const random = mulberry32(M * 7919 + K * 31 + N);
    const x = activations(random, M, K, true);
    const q = Int8Array.from({ length: N * K }, () => Math.round((random() - 0.5) * 254));
    const scales = Float32Array.from({ length: N }, () => 0.001 + random() * 0.01);
    const words = int8Words(K);
    const packed = new Int8Array(N * words * 4);
    for (let n = 0; n < N; n++) packed.set(q.subarray(n * K, (n + 1) * K), n * words * 4);
    const init = Float32Array.from({ length: M * N }, () => random() - 0.5);
    const xv = upload(backend, x, M, K, 5);
    const wv = upload(backend, new Int32Array(packed.buffer), N, words, 2 * words);
    const sv = { ...upload(backend, scales, 1, N, 1), shape: [N], strides: [1] };
    const reference = simd ? int8Wasm : int8Loop;
    for (const add of [true, false, true]) {
      const out = upload(backend, init, M, N, 3);
      backend.quantized!.int8Linear!(xv, wv, sv, out, add);
      const expected = Float32Array.from(init);
      reference(x, q, scales, M, K, N, expected, add);
      const got = (backend.readSync!(out.buffer) as Float32Array).subarray(3, 3 + M * N);
      expect(bits(got)).toEqual(bits(expected));
    }
    backend.dispose!();
  });

  it.each(SHAPES)('float16: x [%i, %i] · W [N=%i]ᵀ, offsets, accumulate and not, three calls', (M, K, N) => {
    const backend = createCpuBackend({ simd, threads: 1 });
    const random = mulberry32(M * 104729 + K * 17 + N);
    const x = activations(random, M, K);
    // Finite halves of every kind: normals of both signs, subnormals, zeros.
    const halves = Uint16Array.from({ length: N * K }, () => {
      const b = Math.floor(random() * 65536);
      return ((b >> 10) & 0x1f) === 31 ? b & 0x83ff : b;
    });
    const w = Float64Array.from(halves, half);
    const words = float16Words(K);
    const packed = new Uint16Array(N * words * 2);
    for (let n = 0; n < N; n++) packed.set(halves.subarray(n * K, (n + 1) * K), n * words * 2);
    const init = Float32Array.from({ length: M * N }, () => random() - 0.5);
    const xv = upload(backend, x, M, K, 7);
    const wv = upload(backend, new Int32Array(packed.buffer), N, words, words);
    const reference = simd ? float16Wasm : float16Loop;
    for (const add of [true, false, true]) {
      const out = upload(backend, init, M, N, 1);
      backend.quantized!.float16Linear!(xv, wv, out, add);
      const expected = Float32Array.from(init);
      reference(x, w, M, K, N, expected, add);
      const got = (backend.readSync!(out.buffer) as Float32Array).subarray(1, 1 + M * N);
      expect(bits(got)).toEqual(bits(expected));
    }
    backend.dispose!();
  });
});
