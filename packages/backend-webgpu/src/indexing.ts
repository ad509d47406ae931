// gather (torch.gather) and scatterAdd (torch.scatter_add_) along one axis, one invocation per
// index. scatterAdd adds with atomics: int32 with atomicAdd (exact in any order); float32 with a
// compare-exchange loop on the u32 bits, since WGSL has no float atomics (order, hence rounding, varies).
// An index outside [0, size) touches no memory and is recorded in the index-check flags, which
// the next read raises as an IndexError (index-check.ts).

import { ShapeError, fmtShape, sizeOf } from '@recur/backend';
import type { Bindings } from './bindings.js';
import { coversBuffer, expectAxis, expectDType, expectSameDType, expectSameShape, viewHandle, type GpuView } from './check.js';
import { ELEMENTWISE_WORKGROUP, scalarOf } from './elementwise-wgsl.js';
import { IndexCheck, recordInvalidIndex, type CheckedKernel } from './index-check.js';
import { FIRST_PARAM, type KernelContext, type KernelOperand } from './kernel-context.js';
import { layoutWords, mergedLayout, offsetCode } from './strided-layout.js';
import type { ShaderParts } from './wgsl-prelude.js';

/** The indexed operand's strides with `axis` zeroed, after checking its shape can hold `shape`. */
function indexedStrides(op: string, name: string, view: GpuView, shape: readonly number[], axis: number): number[] {
  const fits = view.shape.length === shape.length && shape.every((size, d) => d === axis || size <= view.shape[d]!);
  if (!fits) throw new ShapeError(`${op}: indices ${fmtShape(shape)} do not fit ${name} ${fmtShape(view.shape)} off axis ${axis}`);
  return view.strides.map((stride, d) => (d === axis ? 0 : stride));
}

/** Operand 3 of both kernels: the index-check flags. */
const FLAGS = 3;

/**
 * Common head: element i, its offsets (o0 indices, o1 out or src, o2 the indexed operand at
 * index 0 of the axis) and the index, checked against [0, size). An invalid index reads as 0
 * (gather) or is skipped (scatterAdd) rather than touching memory outside the view, and is
 * recorded in the flags. Params: n, size, the axis stride, the check code, then the layout.
 */
function head(rank: number, bindings: Bindings, indicesOperand: number): string {
  return [
    `  let i = group * ${ELEMENTWISE_WORKGROUP}u + lid;`,
    `  if (i >= pu(${FIRST_PARAM}u)) { return; }`,
    offsetCode(rank, 3, FIRST_PARAM + 4, 'i'),
    `  let index = ${bindings.load(indicesOperand, 'o0', 'i32')};`,
    `  let valid = index >= 0 && index < pi(${FIRST_PARAM + 1}u);`,
    recordInvalidIndex(bindings, FLAGS, `pi(${FIRST_PARAM + 1}u)`, `pu(${FIRST_PARAM + 3}u)`),
    `  let p = o2 + index * pi(${FIRST_PARAM + 2}u);`,
  ].join('\n');
}

/** The flags operand, marked as pending a readback once the kernel is recorded. */
function flagsOperand(context: KernelContext): KernelOperand {
  context.memory.indexCheck.markPending();
  return { buffer: context.memory.indexCheck.buffer, access: 'atomic' };
}

const checkCode = (kernel: CheckedKernel, axis: number): number => IndexCheck.code(kernel, axis);

/** Operands: 0 out, 1 x, 2 indices, 3 flags. */
function gatherShader(bindings: Bindings, rank: number): ShaderParts {
  return {
    workgroupSize: ELEMENTWISE_WORKGROUP,
    body: [
      head(rank, bindings, 2),
      '  var value = 0u;',
      `  if (valid) { value = ${bindings.load(1, 'p', 'u32')}; }`,
      `  ${bindings.store(0, 'o1', 'value', 'u32')}`,
    ].join('\n'),
  };
}

/** Operands: 0 out (atomic), 1 src, 2 indices, 3 flags. */
function scatterAddShader(bindings: Bindings, rank: number, float: boolean): ShaderParts {
  const pointer = bindings.atomicPointer(0, 'p');
  const add = float
    ? `  let value = ${bindings.load(1, 'o1', 'f32')};
  var old = atomicLoad(${pointer});
  loop {
    let swapped = atomicCompareExchangeWeak(${pointer}, old, bitcast<u32>(bitcast<f32>(old) + value));
    if (swapped.exchanged) { break; }
    old = swapped.old_value;
  }`
    : `  atomicAdd(${pointer}, ${bindings.load(1, 'o1', 'u32')});`;
  return {
    workgroupSize: ELEMENTWISE_WORKGROUP,
    body: [head(rank, bindings, 2), '  if (!valid) { return; }', add].join('\n'),
  };
}

export function gather(context: KernelContext, x: GpuView, indices: GpuView, axis: number, out: GpuView): void {
  const outHandle = viewHandle(context.memory, 'gather', 'out', out);
  const indexHandle = viewHandle(context.memory, 'gather', 'indices', indices);
  const xHandle = viewHandle(context.memory, 'gather', 'x', x);
  expectDType('gather', 'indices', indices.dtype, ['int32']);
  expectSameDType('gather', 'x and out', x.dtype, out.dtype);
  expectAxis('gather', axis, x.shape.length);
  expectSameShape('gather', 'indices and out', indices.shape, out.shape);
  const xStrides = indexedStrides('gather', 'x', x, out.shape, axis);
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const layout = mergedLayout(out.shape, [indices.strides, out.strides, xStrides], [indices.offset, out.offset, x.offset]);
  const rank = layout.shape.length;
  context.run({
    key: `gather:r${rank}`,
    operands: [
      { handle: outHandle, access: 'read_write', overwrite: coversBuffer(out) },
      { handle: xHandle, access: 'read' },
      { handle: indexHandle, access: 'read' },
      flagsOperand(context),
    ],
    shader: (bindings) => gatherShader(bindings, rank),
    params: [n, x.shape[axis]!, x.strides[axis]!, checkCode('gather', axis), ...layoutWords(layout)],
    groups: Math.ceil(n / ELEMENTWISE_WORKGROUP),
  });
}

export function scatterAdd(context: KernelContext, indices: GpuView, src: GpuView, axis: number, out: GpuView): void {
  const outHandle = viewHandle(context.memory, 'scatterAdd', 'out', out);
  const indexHandle = viewHandle(context.memory, 'scatterAdd', 'indices', indices);
  const srcHandle = viewHandle(context.memory, 'scatterAdd', 'src', src);
  expectDType('scatterAdd', 'indices', indices.dtype, ['int32']);
  expectDType('scatterAdd', 'out', out.dtype, ['float32', 'int32']);
  expectSameDType('scatterAdd', 'src and out', src.dtype, out.dtype);
  expectAxis('scatterAdd', axis, out.shape.length);
  expectSameShape('scatterAdd', 'indices and src', indices.shape, src.shape);
  const outStrides = indexedStrides('scatterAdd', 'out', out, indices.shape, axis);
  const n = sizeOf(indices.shape);
  if (n === 0) return;
  const layout = mergedLayout(indices.shape, [indices.strides, src.strides, outStrides], [indices.offset, src.offset, out.offset]);
  const rank = layout.shape.length;
  const float = scalarOf(out.dtype) === 'f32';
  context.run({
    key: `scatterAdd:${out.dtype}:r${rank}`,
    operands: [
      { handle: outHandle, access: 'atomic' },
      { handle: srcHandle, access: 'read' },
      { handle: indexHandle, access: 'read' },
      flagsOperand(context),
    ],
    shader: (bindings) => scatterAddShader(bindings, rank, float),
    params: [n, out.shape[axis]!, out.strides[axis]!, checkCode('scatterAdd', axis), ...layoutWords(layout)],
    groups: Math.ceil(n / ELEMENTWISE_WORKGROUP),
  });
}
