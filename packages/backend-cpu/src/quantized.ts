// The CPU backend's quantised kernels (@recur/backend quantized.ts): the int8 linear layer on
// wasm SIMD integer dot products and the float16 linear layer (halves widened to float32 in
// registers, float32 arithmetic), both on the backend's wasm runtime (quantized-wasm.ts; TypeScript
// loops where wasm SIMD is missing), and exact dequantisation of packed int8 / float16 weights.
// M rows of x, K inputs, N outputs.

import { ShapeError, ValueError, float16Words, int8Words, isContiguous, type QuantizedKernels, type View } from '@recur/backend';
import { expectDType, inputArray, viewArray, type KernelContext } from './check.js';
import type { CpuBuffer } from './memory.js';
import type { PackedCache } from './packed-cache.js';
import { wasmFloat16Linear, wasmInt8Linear, type LinearProblem, type QuantizedTarget } from './quantized-wasm.js';

function expectContiguous(op: string, name: string, view: View<CpuBuffer>, rank: number): void {
  if (view.shape.length !== rank) throw new ShapeError(`${op}: ${name} must be ${rank}-D; got [${view.shape.join(', ')}]`);
  if (!isContiguous(view.shape, view.strides))
    throw new ValueError(`${op}: ${name} must be contiguous; got strides [${view.strides.join(', ')}]`);
}

function expectShape(op: string, name: string, view: View<CpuBuffer>, shape: readonly number[]): void {
  if (view.shape.length !== shape.length || view.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${op}: ${name} expected shape [${shape.join(', ')}]; got [${view.shape.join(', ')}]`);
  }
}

/** Byte view of `count` int8 values of row `n` of packed words starting at element `offset`. */
function int8Row(words: Int32Array, offset: number, n: number, wordsPerRow: number, count: number): Int8Array {
  return new Int8Array(words.buffer, words.byteOffset + (offset + n * wordsPerRow) * 4, count);
}

const f16Table = () => {
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    table[bits] =
      exponent === 0
        ? sign * fraction * 2 ** -24
        : exponent === 31
          ? fraction
            ? NaN
            : sign * Infinity
          : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return table;
};
let f16Values: Float32Array | null = null;

/** The checked operands of a quantised linear layer: x [M, K] float32, packed weight [N, words(K)], scales [N] (int8 only), out [M, N]. */
function linearOperands(
  context: KernelContext,
  op: string,
  x: View<CpuBuffer>,
  weight: View<CpuBuffer>,
  scales: View<CpuBuffer> | null,
  out: View<CpuBuffer>,
  wordsOf: (inputs: number) => number,
  accumulate: boolean,
): LinearProblem & { s: Float32Array | null } {
  expectDType(op, 'x', x.dtype, ['float32']);
  expectDType(op, 'weight', weight.dtype, ['int32']);
  if (scales) expectDType(op, 'scales', scales.dtype, ['float32']);
  expectDType(op, 'out', out.dtype, ['float32']);
  expectContiguous(op, 'x', x, 2);
  expectContiguous(op, 'weight', weight, 2);
  const [rowsX, inputs] = x.shape as [number, number];
  const rows = weight.shape[0]!;
  expectShape(op, 'weight', weight, [rows, wordsOf(inputs)]);
  if (scales) {
    expectContiguous(op, 'scales', scales, 1);
    expectShape(op, 'scales', scales, [rows]);
  }
  expectContiguous(op, 'out', out, 2);
  expectShape(op, 'out', out, [rowsX, rows]);
  return {
    x,
    weight,
    out,
    accumulate,
    rowsX,
    inputs,
    rows,
    wordsPerRow: wordsOf(inputs),
    xs: inputArray(context, op, 'x', x) as Float32Array,
    packed: inputArray(context, op, 'weight', weight) as Int32Array,
    s: scales ? (inputArray(context, op, 'scales', scales) as Float32Array) : null,
    o: viewArray(context, op, 'out', out) as Float32Array,
  };
}

/**
 * The quantised kernels of one backend instance; `cache` gives its packed-weight cache (the
 * matmul's), which keeps the weights the wasm kernels cannot read in place.
 */
export function quantizedKernels(context: KernelContext, cache: () => PackedCache | null): QuantizedKernels<CpuBuffer> {
  /** The wasm target of a layer with K inputs, or null for the TypeScript loops. */
  const target = (inputs: number): QuantizedTarget | null => {
    const runtime = inputs > 0 ? context.wasm() : null;
    return runtime && { runtime, cache: cache(), pool: context.pool() };
  };
  return {
    int8Linear(x, weight, scales, out, accumulate) {
      const p = linearOperands(context, 'int8Linear', x, weight, scales, out, int8Words, accumulate);
      const { rowsX, inputs, rows, wordsPerRow, xs, packed, s, o } = p;
      if (rowsX === 0 || rows === 0) return;
      const wasm = target(inputs);
      if (wasm && wasmInt8Linear(wasm, p, s!, scales.offset)) return;
      for (let n = 0; n < rows; n++) {
        const q = int8Row(packed, weight.offset, n, wordsPerRow, inputs);
        const scale = s![scales.offset + n]!;
        for (let m = 0; m < rowsX; m++) {
          let sum = 0;
          const base = x.offset + m * inputs;
          for (let k = 0; k < inputs; k++) sum += xs[base + k]! * q[k]!;
          const at = out.offset + m * rows + n;
          o[at] = accumulate ? o[at]! + Math.fround(sum) * scale : Math.fround(sum) * scale;
        }
      }
    },

    float16Linear(x, weight, out, accumulate) {
      const p = linearOperands(context, 'float16Linear', x, weight, null, out, float16Words, accumulate);
      const { rowsX, inputs, rows, wordsPerRow, xs, packed, o } = p;
      if (rowsX === 0 || rows === 0) return;
      const wasm = target(inputs);
      if (wasm && wasmFloat16Linear(wasm, p)) return;
      const table = (f16Values ??= f16Table());
      for (let n = 0; n < rows; n++) {
        const halves = new Uint16Array(packed.buffer, packed.byteOffset + (weight.offset + n * wordsPerRow) * 4, inputs);
        for (let m = 0; m < rowsX; m++) {
          let sum = 0;
          const base = x.offset + m * inputs;
          for (let k = 0; k < inputs; k++) sum = Math.fround(sum + Math.fround(xs[base + k]! * table[halves[k]!]!));
          const at = out.offset + m * rows + n;
          o[at] = accumulate ? o[at]! + sum : sum;
        }
      }
    },

    dequantizeInt8(weight, scales, out) {
      const op = 'dequantizeInt8';
      expectDType(op, 'weight', weight.dtype, ['int32']);
      expectDType(op, 'scales', scales.dtype, ['float32']);
      expectDType(op, 'out', out.dtype, ['float32']);
      expectContiguous(op, 'out', out, 2);
      const [rows, inputs] = out.shape as [number, number];
      expectContiguous(op, 'weight', weight, 2);
      expectShape(op, 'weight', weight, [rows, int8Words(inputs)]);
      expectContiguous(op, 'scales', scales, 1);
      expectShape(op, 'scales', scales, [rows]);
      const packed = inputArray(context, op, 'weight', weight) as Int32Array;
      const s = inputArray(context, op, 'scales', scales) as Float32Array;
      const o = viewArray(context, op, 'out', out) as Float32Array;
      const wordsPerRow = int8Words(inputs);
      for (let n = 0; n < rows; n++) {
        const q = int8Row(packed, weight.offset, n, wordsPerRow, inputs);
        const scale = s[scales.offset + n]!;
        const base = out.offset + n * inputs;
        for (let k = 0; k < inputs; k++) o[base + k] = q[k]! * scale;
      }
    },

    dequantizeFloat16(weight, out) {
      const op = 'dequantizeFloat16';
      expectDType(op, 'weight', weight.dtype, ['int32']);
      expectDType(op, 'out', out.dtype, ['float32']);
      expectContiguous(op, 'out', out, 2);
      const [rows, inputs] = out.shape as [number, number];
      expectContiguous(op, 'weight', weight, 2);
      expectShape(op, 'weight', weight, [rows, float16Words(inputs)]);
      const packed = inputArray(context, op, 'weight', weight) as Int32Array;
      const o = viewArray(context, op, 'out', out) as Float32Array;
      const table = (f16Values ??= f16Table());
      const wordsPerRow = float16Words(inputs);
      for (let n = 0; n < rows; n++) {
        const halves = new Uint16Array(packed.buffer, packed.byteOffset + (weight.offset + n * wordsPerRow) * 4, inputs);
        const base = out.offset + n * inputs;
        for (let k = 0; k < inputs; k++) o[base + k] = table[halves[k]!]!;
      }
    },
  };
}
