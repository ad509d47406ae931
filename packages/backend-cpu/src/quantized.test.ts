import { describe, expect, it } from 'vitest';
import { contiguousStrides, mulberry32, int8Words, float16Words, type View } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import type { CpuBuffer } from './memory.js';
import { GROUPS_PER_BLOCK } from './wasm-int8-kernel.js';
import { WasmRuntime } from './wasm-runtime.js';

type Backend = ReturnType<typeof createCpuBackend>;

function upload(backend: Backend, data: Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>, shape: number[]): View<CpuBuffer> {
  const buffer = backend.alloc(data.length, data instanceof Float32Array ? 'float32' : 'int32');
  backend.write(buffer, data);
  return { buffer, dtype: buffer.dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}

function pack(q: Int8Array, rows: number, cols: number): Int32Array<ArrayBuffer> {
  const words = int8Words(cols);
  const bytes = new Int8Array(rows * words * 4);
  for (let n = 0; n < rows; n++) bytes.set(q.subarray(n * cols, (n + 1) * cols), n * words * 4);
  return new Int32Array(bytes.buffer);
}

function problem(seed: number, rowsX: number, inputs: number, rows: number) {
  const random = mulberry32(seed);
  const x = Float32Array.from({ length: rowsX * inputs }, () => (random() - 0.5) * 4);
  const q = Int8Array.from({ length: rows * inputs }, () => Math.round((random() - 0.5) * 254));
  const scales = Float32Array.from({ length: rows }, () => 0.001 + random() * 0.01);
  // Exact reference (float64) of x·(q·s)ᵀ, and the bound of the int16 activation rounding per entry.
  const exact = new Float64Array(rowsX * rows);
  const bound = new Float64Array(rowsX * rows);
  for (let m = 0; m < rowsX; m++) {
    let largest = 0;
    for (let k = 0; k < inputs; k++) largest = Math.max(largest, Math.abs(x[m * inputs + k]!));
    for (let n = 0; n < rows; n++) {
      let sum = 0;
      let magnitude = 0;
      for (let k = 0; k < inputs; k++) {
        sum += x[m * inputs + k]! * q[n * inputs + k]! * scales[n]!;
        magnitude += Math.abs(q[n * inputs + k]! * scales[n]!);
      }
      exact[m * rows + n] = sum;
      bound[m * rows + n] = 0.5 * (largest / 32767) * magnitude + 1e-6 * magnitude * largest;
    }
  }
  return { x, q, scales, exact, bound };
}

describe('cpu int8Linear', () => {
  // K across the 16-wide groups and past one i32 block (GROUPS_PER_BLOCK·16 inputs).
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 37, 5],
    [2, 64, 33],
    [1, GROUPS_PER_BLOCK * 16 + 20, 7],
  ];
  for (const simd of [true, false]) {
    it.each(sizes)(`x [%i, %i] · W [N=%i] within the int16 rounding bound (simd ${simd})`, (rowsX, inputs, rows) => {
      const backend = createCpuBackend({ simd });
      const { x, q, scales, exact, bound } = problem(rowsX * 1000 + inputs + rows, rowsX, inputs, rows);
      const xv = upload(backend, x, [rowsX, inputs]);
      const wv = upload(backend, pack(q, rows, inputs), [rows, int8Words(inputs)]);
      const sv = upload(backend, scales, [rows]);
      const out = upload(backend, new Float32Array(rowsX * rows).fill(1), [rowsX, rows]);
      backend.quantized!.int8Linear!(xv, wv, sv, out, true);
      const got = backend.readSync!(out.buffer) as Float32Array;
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - (exact[i]! + 1))).toBeLessThanOrEqual(bound[i]! + 1e-6);
      // Without accumulate, and a second call with the resident weights.
      backend.quantized!.int8Linear!(xv, wv, sv, out, false);
      const again = backend.readSync!(out.buffer) as Float32Array;
      for (let i = 0; i < again.length; i++) expect(Math.abs(again[i]! - exact[i]!)).toBeLessThanOrEqual(bound[i]! + 1e-6);
    });
  }

  it('sees new weights written into the same buffer, and zero rows of x', () => {
    const backend = createCpuBackend();
    const x = upload(backend, Float32Array.from([0, 0, 0, 1, 2, 3]), [2, 3]);
    const w = upload(backend, pack(Int8Array.from([1, 1, 1]), 1, 3), [1, 1]);
    const s = upload(backend, Float32Array.from([0.5]), [1]);
    const out = upload(backend, new Float32Array(2), [2, 1]);
    backend.quantized!.int8Linear!(x, w, s, out, false);
    expect([...(backend.readSync!(out.buffer) as Float32Array)].map((v) => +v.toFixed(3))).toEqual([0, 3]);
    backend.write(w.buffer, pack(Int8Array.from([2, 0, -2]), 1, 3));
    backend.quantized!.int8Linear!(x, w, s, out, false);
    expect([...(backend.readSync!(out.buffer) as Float32Array)].map((v) => +v.toFixed(3))).toEqual([0, -2]);
  });

  it('refuses mismatched shapes and dtypes, naming them', () => {
    const backend = createCpuBackend();
    const x = upload(backend, new Float32Array(6), [2, 3]);
    const w = upload(backend, new Int32Array(2), [2, 1]);
    const s = upload(backend, new Float32Array(2), [2]);
    const out = upload(backend, new Float32Array(4), [2, 2]);
    expect(() => backend.quantized!.int8Linear!(x, { ...w, shape: [2, 2], strides: [2, 1] }, s, out, false)).toThrow(
      /weight expected shape \[2, 1\]; got \[2, 2\]/,
    );
    expect(() => backend.quantized!.int8Linear!(x, s, s, out, false)).toThrow(/weight/);
    expect(() => backend.quantized!.int8Linear!(x, w, s, { ...out, shape: [2, 3], strides: [3, 1] }, false)).toThrow(
      /out expected shape \[2, 2\]/,
    );
  });
});

describe('cpu dequantise', () => {
  it('unpacks int8 rows times their scales, and float16 words, exactly', () => {
    const backend = createCpuBackend();
    const w = upload(backend, pack(Int8Array.from([1, -2, 3, 127, -127, 0, 5, 6, 7, 8]), 2, 5), [2, 2]);
    const s = upload(backend, Float32Array.from([0.5, 2]), [2]);
    const out = upload(backend, new Float32Array(10), [2, 5]);
    backend.quantized!.dequantizeInt8!(w, s, out);
    expect([...(backend.readSync!(out.buffer) as Float32Array)]).toEqual([0.5, -1, 1.5, 63.5, -63.5, 0, 10, 12, 14, 16]);
    // Rows of 3 values padded to 2 words each.
    const halves = new Uint16Array([0x3c00, 0xc000, 0x0001, 0, 0x7bff, 0x3555, 0, 0]);
    const f = upload(backend, new Int32Array(halves.buffer), [2, float16Words(3)]);
    const fo = upload(backend, new Float32Array(6), [2, 3]);
    backend.quantized!.dequantizeFloat16!(f, fo);
    expect([...(backend.readSync!(fo.buffer) as Float32Array)]).toEqual([1, -2, 2 ** -24, 65504, Math.fround(0.333251953125), 0]);
  });
});

describe('cpu float16Linear', () => {
  const half = (bits: number): number => {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    return exponent === 0 ? sign * fraction * 2 ** -24 : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  };
  for (const simd of [true, false]) {
    it.each([
      [1, 1, 1],
      [3, 13, 5],
      [2, 300, 9],
    ])(`x [%i, %i] · W [N=%i] float16 in float32 arithmetic (simd ${simd})`, (rowsX, inputs, rows) => {
      const backend = createCpuBackend({ simd });
      const random = mulberry32(rowsX + inputs + rows);
      const x = Float32Array.from({ length: rowsX * inputs }, () => random() * 2 - 1);
      // Every finite half: normals of both signs, subnormals (exponent 0) and zeros.
      const bits = Uint16Array.from({ length: rows * inputs }, () => {
        const b = Math.floor(random() * 65536);
        return ((b >> 10) & 0x1f) === 31 ? b & 0x83ff : b;
      });
      const words = float16Words(inputs);
      const packed = new Uint16Array(rows * words * 2);
      for (let n = 0; n < rows; n++) packed.set(bits.subarray(n * inputs, (n + 1) * inputs), n * words * 2);
      const xv = upload(backend, x, [rowsX, inputs]);
      const wv = upload(backend, new Int32Array(packed.buffer), [rows, words]);
      const out = upload(backend, new Float32Array(rowsX * rows).fill(2), [rowsX, rows]);
      backend.quantized!.float16Linear!(xv, wv, out, true);
      const got = backend.readSync!(out.buffer) as Float32Array;
      for (let m = 0; m < rowsX; m++) {
        for (let n = 0; n < rows; n++) {
          let exact = 0;
          let magnitude = 0;
          for (let k = 0; k < inputs; k++) {
            const product = x[m * inputs + k]! * half(bits[n * inputs + k]!);
            exact += product;
            magnitude += Math.abs(product);
          }
          expect(Math.abs(got[m * rows + n]! - (exact + 2))).toBeLessThanOrEqual(inputs * 2 ** -23 * magnitude + 4e-7);
        }
      }
    });
  }
});

describe('the quantised wasm module', () => {
  it('is part of the backend runtime here (so the simd rows above ran the wasm kernels, not the TypeScript loops)', () => {
    const kernels = WasmRuntime.create({ shared: true })?.kernels;
    expect(typeof kernels?.int8Dots).toBe('function');
    expect(typeof kernels?.float16Dots).toBe('function');
  });
});
