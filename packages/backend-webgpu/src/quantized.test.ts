// The quantised kernels on Node + SwiftShader against float64 references: int8Linear both ways
// (packed dot4I8Packed with 15-bit activations where the adapter has it and K fits, unpacked
// bytes otherwise), float16Linear, and exact dequantisation.

import { expect, it } from 'vitest';
import { contiguousStrides, float16Words, int8Words, mulberry32, type View } from '@recur/backend';
import type { WebGPUBackend } from './backend.js';
import type { WebGPUBuffer } from './memory.js';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';
import { PACKED_MAX_WORDS } from './quantized-wgsl.js';

function upload(backend: WebGPUBackend, data: Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>, shape: number[]): View<WebGPUBuffer> {
  const buffer = backend.alloc(data.length, data instanceof Float32Array ? 'float32' : 'int32');
  backend.write(buffer, data);
  return { buffer, dtype: buffer.dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}

function packInt8(q: Int8Array, rows: number, cols: number): Int32Array<ArrayBuffer> {
  const words = int8Words(cols);
  const bytes = new Int8Array(rows * words * 4);
  for (let n = 0; n < rows; n++) bytes.set(q.subarray(n * cols, (n + 1) * cols), n * words * 4);
  return new Int32Array(bytes.buffer);
}

const half = (bits: number): number => {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  return exponent === 0 ? sign * fraction * 2 ** -24 : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
};

describeGpu('webgpu quantised kernels', () => {
  it.each<[number, number, number, string]>([
    [3, 37, 70, 'packed (where offered)'],
    [2, 4 * PACKED_MAX_WORDS + 9, 5, 'unpacked (K past the workgroup copy)'],
  ])('int8Linear x [%i, %i] · W [N=%i], %s, within its rounding bound', async (rowsX, inputs, rows) => {
    const backend = await createTestBackend();
    try {
      const random = mulberry32(rowsX + inputs + rows);
      const x = Float32Array.from({ length: rowsX * inputs }, () => (random() - 0.5) * 4);
      const q = Int8Array.from({ length: rows * inputs }, () => Math.round((random() - 0.5) * 254));
      const scales = Float32Array.from({ length: rows }, () => 0.001 + random() * 0.01);
      const out = upload(backend, new Float32Array(rowsX * rows).fill(1), [rowsX, rows]);
      backend.quantized!.int8Linear!(
        upload(backend, x, [rowsX, inputs]),
        upload(backend, packInt8(q, rows, inputs), [rows, int8Words(inputs)]),
        upload(backend, scales, [rows]),
        out,
        true,
      );
      const got = (await backend.read(out.buffer)) as Float32Array;
      for (let m = 0; m < rowsX; m++) {
        let largest = 0;
        for (let k = 0; k < inputs; k++) largest = Math.max(largest, Math.abs(x[m * inputs + k]!));
        for (let n = 0; n < rows; n++) {
          let exact = 1;
          let magnitude = 0;
          for (let k = 0; k < inputs; k++) {
            const w = q[n * inputs + k]! * scales[n]!;
            exact += x[m * inputs + k]! * w;
            magnitude += Math.abs(w);
          }
          // Packed: 15-bit activations (half a step of max|x|/16256); unpacked: float32 sums.
          const bound = 0.5 * (largest / 16256) * magnitude + inputs * 2 ** -23 * magnitude * largest + 1e-6;
          expect(Math.abs(got[m * rows + n]! - exact)).toBeLessThanOrEqual(bound);
        }
      }
    } finally {
      backend.dispose?.();
    }
  });

  it('float16Linear and the dequantise kernels', async () => {
    const backend = await createTestBackend();
    try {
      const [rowsX, inputs, rows] = [2, 11, 6];
      const random = mulberry32(9);
      const x = Float32Array.from({ length: rowsX * inputs }, () => random() * 2 - 1);
      const bits = Uint16Array.from({ length: rows * inputs }, () => {
        const b = Math.floor(random() * 65536);
        return ((b >> 10) & 0x1f) === 31 ? b & 0x83ff : b;
      });
      const words = float16Words(inputs);
      const packed = new Uint16Array(rows * words * 2);
      for (let n = 0; n < rows; n++) packed.set(bits.subarray(n * inputs, (n + 1) * inputs), n * words * 2);
      const weight = upload(backend, new Int32Array(packed.buffer), [rows, words]);
      const out = upload(backend, new Float32Array(rowsX * rows), [rowsX, rows]);
      backend.quantized!.float16Linear!(upload(backend, x, [rowsX, inputs]), weight, out, false);
      const got = (await backend.read(out.buffer)) as Float32Array;
      for (let m = 0; m < rowsX; m++) {
        for (let n = 0; n < rows; n++) {
          let exact = 0;
          let magnitude = 0;
          for (let k = 0; k < inputs; k++) {
            exact += x[m * inputs + k]! * half(bits[n * inputs + k]!);
            magnitude += Math.abs(x[m * inputs + k]! * half(bits[n * inputs + k]!));
          }
          expect(Math.abs(got[m * rows + n]! - exact)).toBeLessThanOrEqual(inputs * 2 ** -23 * magnitude + 1e-30);
        }
      }
      const dense = upload(backend, new Float32Array(rows * inputs), [rows, inputs]);
      backend.quantized!.dequantizeFloat16!(weight, dense);
      expect([...((await backend.read(dense.buffer)) as Float32Array)]).toEqual([...bits].map((b) => Math.fround(half(b))));
      const q = Int8Array.from({ length: rows * inputs }, (_, i) => ((i * 37) % 255) - 127);
      const scales = Float32Array.from({ length: rows }, (_, n) => 0.5 + n);
      backend.quantized!.dequantizeInt8!(
        upload(backend, packInt8(q, rows, inputs), [rows, int8Words(inputs)]),
        upload(backend, scales, [rows]),
        dense,
      );
      expect([...((await backend.read(dense.buffer)) as Float32Array)]).toEqual(
        [...q].map((v, i) => Math.fround(v * scales[Math.floor(i / inputs)]!)),
      );
      expect(() => backend.quantized!.dequantizeInt8!(weight, upload(backend, scales, [rows]), dense)).toThrow(
        /weight expected shape \[6, 3\]; got \[6, 6\]/,
      );
    } finally {
      backend.dispose?.();
    }
  });
});
