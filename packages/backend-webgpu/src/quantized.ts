// The WebGPU backend's quantised kernels (@recur/backend quantized.ts): argument checks as the CPU
// backend makes them, then one dispatch (shaders in quantized-wgsl.ts). int8Linear takes the
// packed integer dot products (dot4I8Packed, 15-bit activations in two int8 parts) where the
// adapter has WGSL's packed_4x8_integer_dot_product and K fits the workgroup's copy of x, and
// unpacks bytes into float32 otherwise; float16 weights are unpacked with unpack2x16float.

import { ShapeError, ValueError, float16Words, int8Words, isContiguous, type QuantizedKernels } from '@recur/backend';
import { coversBuffer, expectDType, viewHandle, type GpuView } from './check.js';
import type { KernelContext } from './kernel-context.js';
import type { WebGPUBuffer } from './memory.js';
import {
  PACKED_MAX_WORDS,
  QUANTIZED_WORKGROUP,
  dequantizeShader,
  float16LinearShader,
  int8LinearPackedShader,
  int8LinearUnpackedShader,
} from './quantized-wgsl.js';

function expectMatrix(op: string, name: string, view: GpuView, shape: readonly number[]): void {
  if (view.shape.length !== shape.length || view.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${op}: ${name} expected shape [${shape.join(', ')}]; got [${view.shape.join(', ')}]`);
  }
  if (!isContiguous(view.shape, view.strides))
    throw new ValueError(`${op}: ${name} must be contiguous; got strides [${view.strides.join(', ')}]`);
}

/** Whether this process's WebGPU offers WGSL's packed 4×8-bit integer dot products. */
export function hasPackedDot(gpu: GPU | undefined): boolean {
  const features = (gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu)?.wgslLanguageFeatures;
  return features?.has('packed_4x8_integer_dot_product') ?? false;
}

export function quantizedKernels(context: KernelContext, packedDot: boolean): Required<QuantizedKernels<WebGPUBuffer>> {
  const operand = (op: string, name: string, view: GpuView, write = false) => ({
    handle: viewHandle(context.memory, op, name, view),
    access: write ? ('read_write' as const) : ('read' as const),
  });

  function linear(
    op: 'int8Linear' | 'float16Linear',
    x: GpuView,
    weight: GpuView,
    scales: GpuView | null,
    out: GpuView,
    accumulate: boolean,
  ): void {
    context.health.check(op);
    expectDType(op, 'x', x.dtype, ['float32']);
    expectDType(op, 'weight', weight.dtype, ['int32']);
    if (scales) expectDType(op, 'scales', scales.dtype, ['float32']);
    expectDType(op, 'out', out.dtype, ['float32']);
    if (x.shape.length !== 2 || weight.shape.length !== 2) {
      throw new ShapeError(`${op}: x and weight must be 2-D; got [${x.shape.join(', ')}] and [${weight.shape.join(', ')}]`);
    }
    const [rowsX, inputs] = x.shape as [number, number];
    const rows = weight.shape[0]!;
    const words = scales ? int8Words(inputs) : float16Words(inputs);
    expectMatrix(op, 'x', x, [rowsX, inputs]);
    expectMatrix(op, 'weight', weight, [rows, words]);
    if (scales) expectMatrix(op, 'scales', scales, [rows]);
    expectMatrix(op, 'out', out, [rowsX, rows]);
    const operands = [operand(op, 'x', x), operand(op, 'weight', weight), ...(scales ? [operand(op, 'scales', scales)] : [])];
    const output = { ...operand(op, 'out', out, true), overwrite: !accumulate && coversBuffer(out) };
    const params = [rowsX, rows, inputs, words, x.offset, weight.offset, scales?.offset ?? 0, out.offset, accumulate ? 1 : 0];
    const packed = scales !== null && packedDot && words <= PACKED_MAX_WORDS;
    context.run({
      key: `${op}:${packed ? 'packed' : 'unpacked'}`,
      operands: [...operands, output],
      shader: (bindings) =>
        !scales ? float16LinearShader(bindings) : packed ? int8LinearPackedShader(bindings) : int8LinearUnpackedShader(bindings),
      params,
      groups: packed ? rowsX * Math.ceil(rows / QUANTIZED_WORKGROUP) : Math.ceil((rowsX * rows) / QUANTIZED_WORKGROUP),
    });
  }

  function dequantize(op: 'dequantizeInt8' | 'dequantizeFloat16', weight: GpuView, scales: GpuView | null, out: GpuView): void {
    context.health.check(op);
    expectDType(op, 'weight', weight.dtype, ['int32']);
    if (scales) expectDType(op, 'scales', scales.dtype, ['float32']);
    expectDType(op, 'out', out.dtype, ['float32']);
    if (out.shape.length !== 2) throw new ShapeError(`${op}: out must be 2-D; got [${out.shape.join(', ')}]`);
    const [rows, inputs] = out.shape as [number, number];
    const words = scales ? int8Words(inputs) : float16Words(inputs);
    expectMatrix(op, 'weight', weight, [rows, words]);
    if (scales) expectMatrix(op, 'scales', scales, [rows]);
    expectMatrix(op, 'out', out, [rows, inputs]);
    context.run({
      key: op,
      operands: [
        operand(op, 'weight', weight),
        ...(scales ? [operand(op, 'scales', scales)] : []),
        { ...operand(op, 'out', out, true), overwrite: coversBuffer(out) },
      ],
      shader: (bindings) => dequantizeShader(bindings, scales !== null),
      params: [0, rows, inputs, words, 0, weight.offset, scales?.offset ?? 0, out.offset, 0],
      groups: Math.ceil((rows * inputs) / QUANTIZED_WORKGROUP),
    });
  }

  return {
    int8Linear: (x, weight, scales, out, accumulate) => linear('int8Linear', x, weight, scales, out, accumulate),
    float16Linear: (x, weight, out, accumulate) => linear('float16Linear', x, weight, null, out, accumulate),
    dequantizeInt8: (weight, scales, out) => dequantize('dequantizeInt8', weight, scales, out),
    dequantizeFloat16: (weight, out) => dequantize('dequantizeFloat16', weight, null, out),
  };
}
