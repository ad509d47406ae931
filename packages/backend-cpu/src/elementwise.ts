// Elementwise kernels (unary, binary, where, copy, cast, fill) over strided views of one shape.
// Each builds its loop from the op table's expression (codegen.ts); dense float32 exp, σ and tanh
// and float32 + − × ÷ run on wasm SIMD where the backend has it (wasm-unary.ts, wasm-binary.ts).
// Typed-array stores do the rounding: float32 rounds, int32 wraps and truncates toward zero, bool holds 0 or 1.

import {
  BINARY_OPS,
  UNARY_OPS,
  ValueError,
  opOutDType,
  sizeOf,
  type AnyTypedArray,
  type BinaryOp,
  type DType,
  type UnaryOp,
  type View,
} from '@recur/backend';
import { expectDType, expectSameDType, expectSameShape, inputArray, viewArray, type KernelContext } from './check.js';
import { compileLoops, type LoopSpec } from './codegen.js';
import type { CpuBuffer } from './memory.js';
import { binaryMath, unaryMath } from './op-closures.js';
import { forEachRun, isFlat, layoutOf } from './strided.js';
import { wasmBinary } from './wasm-binary.js';
import { wasmUnary } from './wasm-unary.js';

type CpuView = View<CpuBuffer>;

/** Run `spec` over views that share out's shape: views[0] is out, the rest the inputs. */
function runLoop(context: KernelContext, spec: LoopSpec, arrays: readonly AnyTypedArray[], views: readonly CpuView[]): void {
  const shape = views[0]!.shape;
  if (sizeOf(shape) === 0) return;
  const layout = layoutOf(
    shape,
    views.map((view) => view.strides),
  );
  const loops = compileLoops(spec, context.codegen);
  const offsets = views.map((view) => view.offset);
  (isFlat(layout) ? loops.flat : loops.strided)(arrays, offsets, layout);
}

function dtypeKey(views: readonly CpuView[]): string {
  return views.map((view) => view.dtype).join(',');
}

export function unary(context: KernelContext, op: UnaryOp, x: CpuView, out: CpuView): void {
  const name = `unary(${op})`;
  const def = UNARY_OPS[op];
  if (def === undefined) throw new ValueError(`unary: unknown op '${String(op)}'`);
  const arrays = [viewArray(context, name, 'out', out), inputArray(context, name, 'x', x)];
  expectDType(name, 'x', x.dtype, def.dtypes);
  expectDType(name, 'out', out.dtype, [opOutDType(def, x.dtype)]);
  expectSameShape(name, 'x and out', x.shape, out.shape);
  const runtime = context.wasm();
  if (runtime && wasmUnary(runtime, op, x, arrays[1]!, out, arrays[0]!)) return;
  const math = unaryMath(op, x.dtype);
  const views = [out, x];
  runLoop(context, { key: `unary:${math.js}:${dtypeKey(views)}`, inputs: ['x'], expr: math.js, fallback: math.fn }, arrays, views);
}

export function binary(context: KernelContext, op: BinaryOp, a: CpuView, b: CpuView, out: CpuView): void {
  const name = `binary(${op})`;
  const def = BINARY_OPS[op];
  if (def === undefined) throw new ValueError(`binary: unknown op '${String(op)}'`);
  const arrays = [viewArray(context, name, 'out', out), inputArray(context, name, 'a', a), inputArray(context, name, 'b', b)];
  expectSameDType(name, 'operand', a.dtype, b.dtype);
  expectDType(name, 'a', a.dtype, def.dtypes);
  expectDType(name, 'out', out.dtype, [opOutDType(def, a.dtype)]);
  expectSameShape(name, 'operand', a.shape, b.shape);
  expectSameShape(name, 'operand and out', a.shape, out.shape);
  const runtime = context.wasm();
  if (runtime && wasmBinary(runtime, op, a, b, out, arrays)) return;
  const math = binaryMath(op, a.dtype);
  const views = [out, a, b];
  const spec = { key: `binary:${math.js}:${dtypeKey(views)}`, inputs: ['a', 'b'], expr: math.js, fallback: math.fn };
  runLoop(context, spec, arrays, views);
}

const WHERE_SPEC = { inputs: ['c', 'a', 'b'], expr: '(c ? a : b)', fallback: (c: number, a: number, b: number) => (c ? a : b) };

export function where(context: KernelContext, cond: CpuView, a: CpuView, b: CpuView, out: CpuView): void {
  const name = 'where';
  const arrays = [
    viewArray(context, name, 'out', out),
    inputArray(context, name, 'cond', cond),
    inputArray(context, name, 'a', a),
    inputArray(context, name, 'b', b),
  ];
  expectDType(name, 'cond', cond.dtype, ['bool']);
  expectSameDType(name, 'operand', a.dtype, b.dtype);
  expectSameDType(name, 'operand and out', a.dtype, out.dtype);
  expectSameShape(name, 'cond and out', cond.shape, out.shape);
  expectSameShape(name, 'operand', a.shape, b.shape);
  expectSameShape(name, 'operand and out', a.shape, out.shape);
  const views = [out, cond, a, b];
  runLoop(context, { key: `where:${dtypeKey(views)}`, ...WHERE_SPEC }, arrays, views);
}

/** A strided copy or conversion; the flat case is a typed-array `set`, which converts like a store. */
/** Below this run length a generated loop beats `set` and its subarray allocation. */
const MIN_SET_RUN = 32;

function convert(context: KernelContext, name: string, x: CpuView, out: CpuView, toBool: boolean): void {
  const target = viewArray(context, name, 'out', out);
  const source = inputArray(context, name, 'x', x);
  expectSameShape(name, 'x and out', x.shape, out.shape);
  const size = sizeOf(out.shape);
  if (size === 0) return;
  const layout = layoutOf(out.shape, [out.strides, x.strides]);
  if (!toBool && isFlat(layout)) {
    target.set(source.subarray(x.offset, x.offset + size), out.offset);
    return;
  }
  const last = layout.shape.length - 1;
  const run = layout.shape[last]!;
  if (!toBool && run >= MIN_SET_RUN && layout.strides[0]![last] === 1 && layout.strides[1]![last] === 1) {
    // Rows of a narrowed or broadcast view: one memcpy-speed `set` per contiguous run.
    forEachRun(layout, [out.offset, x.offset], (pointers) => target.set(source.subarray(pointers[1]!, pointers[1]! + run), pointers[0]!));
    return;
  }
  const expr = toBool ? '(x !== 0 ? 1 : 0)' : 'x';
  const fallback = toBool ? (value: number) => (value !== 0 ? 1 : 0) : (value: number) => value;
  const views = [out, x];
  runLoop(context, { key: `convert:${expr}:${dtypeKey(views)}`, inputs: ['x'], expr, fallback }, [target, source], views);
}

export function copy(context: KernelContext, x: CpuView, out: CpuView): void {
  expectSameDType('copy', 'x and out', x.dtype, out.dtype);
  convert(context, 'copy', x, out, false);
}

/** float→int truncates toward zero (the int32 store); →bool is x ≠ 0, so NaN is true. */
export function cast(context: KernelContext, x: CpuView, out: CpuView): void {
  convert(context, 'cast', x, out, out.dtype === 'bool' && x.dtype !== 'bool');
}

function fillValue(dtype: DType, value: number): number {
  return dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
}

export function fill(context: KernelContext, out: CpuView, value: number): void {
  const target = viewArray(context, 'fill', 'out', out);
  if (typeof value !== 'number') throw new ValueError(`fill: value must be a number, got ${typeof value}`);
  if (sizeOf(out.shape) === 0) return;
  const stored = fillValue(out.dtype, value);
  const layout = layoutOf(out.shape, [out.strides]);
  const last = layout.shape.length - 1;
  const n = layout.shape[last]!;
  const step = layout.strides[0]![last]!;
  forEachRun(layout, [out.offset], (pointers) => {
    const start = pointers[0]!;
    if (step === 1) {
      target.fill(stored, start, start + n);
      return;
    }
    for (let j = 0, p = start; j < n; j++, p += step) target[p] = stored;
  });
}
