// The elementwise kernels: unary, binary, where, copy, cast and fill over strided views of one
// shape, one invocation per run of a few innermost elements (elementwise-wgsl.ts). copy, where
// and fill move raw 32-bit words, so NaN payloads, −0 and bool words pass through untouched.

import { BINARY_OPS, UNARY_OPS, ValueError, opOutDType, sizeOf, type BinaryOp, type DType, type UnaryOp } from '@recur/backend';
import type { Scalar } from './bindings.js';
import { coversBuffer, expectDType, expectSameDType, expectSameShape, viewHandle, type GpuView } from './check.js';
import {
  ELEMENTWISE_WORKGROUP,
  binaryExpression,
  elementwiseInvocations,
  castExpression,
  elementwiseShader,
  extraParamWord,
  scalarOf,
  unaryExpression,
} from './elementwise-wgsl.js';
import type { KernelContext } from './kernel-context.js';
import { layoutWords, stridedLayout } from './strided-layout.js';

interface Launch {
  readonly key: string;
  readonly out: GpuView;
  readonly inputs: readonly { readonly view: GpuView; readonly name: string; readonly type: Scalar }[];
  readonly outType: Scalar;
  readonly expr: string;
  readonly extra?: readonly number[];
}

function launch(context: KernelContext, op: string, spec: Launch): void {
  const n = sizeOf(spec.out.shape);
  const views = [spec.out, ...spec.inputs.map((input) => input.view)];
  const handles = views.map((view, k) => viewHandle(context.memory, op, k === 0 ? 'out' : spec.inputs[k - 1]!.name, view));
  if (n === 0) return;
  const layout = stridedLayout(spec.out.shape, views);
  const rank = layout.shape.length;
  const inputs = spec.inputs.map(({ name, type }) => ({ name, type }));
  context.run({
    key: `${spec.key}|r${rank}`,
    operands: handles.map((handle, k) =>
      k === 0 ? { handle, access: 'read_write', overwrite: coversBuffer(spec.out) } : { handle, access: 'read' },
    ),
    shader: (bindings) => elementwiseShader(bindings, { rank, inputs, outType: spec.outType, expr: spec.expr }),
    params: [n, ...layoutWords(layout), ...(spec.extra ?? [])],
    groups: Math.ceil(elementwiseInvocations(n, layout.shape[rank - 1]!) / ELEMENTWISE_WORKGROUP),
  });
}

export function unary(context: KernelContext, op: UnaryOp, x: GpuView, out: GpuView): void {
  const name = `unary(${op})`;
  const def = UNARY_OPS[op];
  if (def === undefined) throw new ValueError(`unary: unknown op '${String(op)}'`);
  expectDType(name, 'x', x.dtype, def.dtypes);
  expectDType(name, 'out', out.dtype, [opOutDType(def, x.dtype)]);
  expectSameShape(name, 'x and out', x.shape, out.shape);
  launch(context, name, {
    key: `unary:${op}:${x.dtype}`,
    out,
    inputs: [{ view: x, name: 'x', type: scalarOf(x.dtype) }],
    outType: scalarOf(out.dtype),
    expr: unaryExpression(op, x.dtype),
  });
}

export function binary(context: KernelContext, op: BinaryOp, a: GpuView, b: GpuView, out: GpuView): void {
  const name = `binary(${op})`;
  const def = BINARY_OPS[op];
  if (def === undefined) throw new ValueError(`binary: unknown op '${String(op)}'`);
  expectSameDType(name, 'operand', a.dtype, b.dtype);
  expectDType(name, 'a', a.dtype, def.dtypes);
  expectDType(name, 'out', out.dtype, [opOutDType(def, a.dtype)]);
  expectSameShape(name, 'operand', a.shape, b.shape);
  expectSameShape(name, 'operand and out', a.shape, out.shape);
  const type = scalarOf(a.dtype);
  launch(context, name, {
    key: `binary:${op}:${a.dtype}`,
    out,
    inputs: [
      { view: a, name: 'a', type },
      { view: b, name: 'b', type },
    ],
    outType: scalarOf(out.dtype),
    expr: binaryExpression(op, a.dtype),
  });
}

export function where(context: KernelContext, cond: GpuView, a: GpuView, b: GpuView, out: GpuView): void {
  const name = 'where';
  expectDType(name, 'cond', cond.dtype, ['bool']);
  expectSameDType(name, 'operand', a.dtype, b.dtype);
  expectSameDType(name, 'operand and out', a.dtype, out.dtype);
  expectSameShape(name, 'cond and out', cond.shape, out.shape);
  expectSameShape(name, 'operand', a.shape, b.shape);
  expectSameShape(name, 'operand and out', a.shape, out.shape);
  launch(context, name, {
    key: 'where',
    out,
    inputs: [
      { view: cond, name: 'c', type: 'u32' },
      { view: a, name: 'a', type: 'u32' },
      { view: b, name: 'b', type: 'u32' },
    ],
    outType: 'u32',
    expr: 'select(b, a, c != 0u)',
  });
}

export function copy(context: KernelContext, x: GpuView, out: GpuView): void {
  expectSameDType('copy', 'x and out', x.dtype, out.dtype);
  expectSameShape('copy', 'x and out', x.shape, out.shape);
  launch(context, 'copy', { key: 'copy', out, inputs: [{ view: x, name: 'x', type: 'u32' }], outType: 'u32', expr: 'x' });
}

/** float→int truncates toward zero; →bool is x ≠ 0, so NaN is true. Same-dtype casts copy words. */
export function cast(context: KernelContext, x: GpuView, out: GpuView): void {
  expectSameShape('cast', 'x and out', x.shape, out.shape);
  const same = x.dtype === out.dtype;
  launch(context, 'cast', {
    key: `cast:${x.dtype}:${out.dtype}`,
    out,
    inputs: [{ view: x, name: 'x', type: same ? 'u32' : scalarOf(x.dtype) }],
    outType: same ? 'u32' : scalarOf(out.dtype),
    expr: castExpression(x.dtype, out.dtype),
  });
}

const FILL_WORD = { float32: new Float32Array(1), int32: new Int32Array(1), bool: new Uint8Array(1) };

/** The stored word of `value` in `dtype`, converted as a typed-array store converts (the CPU's rule). */
function fillWord(dtype: DType, value: number): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  const cell = FILL_WORD[dtype];
  cell[0] = value;
  return new Uint32Array(cell.buffer)[0]!;
}

export function fill(context: KernelContext, out: GpuView, value: number): void {
  if (typeof value !== 'number') throw new ValueError(`fill: value must be a number, got ${typeof value}`);
  // The value word follows [n, layout of out]; launch merges dims the same way, so ranks agree.
  const rank = stridedLayout(out.shape, [out]).shape.length;
  const expr = `pu(${extraParamWord(rank, 0)}u)`;
  launch(context, 'fill', { key: 'fill', out, inputs: [], outType: 'u32', expr, extra: [fillWord(out.dtype, value)] });
}
