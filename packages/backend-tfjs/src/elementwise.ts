// Elementwise kernels (unary, binary, where, copy, cast, fill) as tfjs ops on loaded views. Most
// map to one tfjs op; the others are composed (precise.ts): integer division truncating toward
// zero, NaN-propagating maximum/minimum, sin/cos on GPU engines; rsqrt is 1/√x, bool `where` runs on int32.

import { BINARY_OPS, UNARY_OPS, ValueError, opOutDType, typedArrayFor, type BinaryOp, type UnaryOp, type View } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';
import { checked, expectDType, expectSameDType, expectSameShape, writeOut, type KernelContext } from './context.js';
import type { TfjsBackendName } from './engine.js';
import type { TfjsBuffer } from './memory.js';
import { nanPropagating, preciseSinCos, truncatingDiv } from './precise.js';
import { load } from './views.js';

type Unary = (x: tf.Tensor) => tf.Tensor;
type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const UNARY: Record<UnaryOp, Unary> = {
  neg: tf.neg,
  abs: tf.abs,
  sign: tf.sign,
  exp: tf.exp,
  log: tf.log,
  sqrt: tf.sqrt,
  rsqrt: (x) => tf.div(1, tf.sqrt(x)),
  reciprocal: (x) => tf.div(1, x),
  square: (x) => tf.mul(x, x),
  tanh: tf.tanh,
  sigmoid: tf.sigmoid,
  relu: tf.relu,
  floor: tf.floor,
  ceil: tf.ceil,
  sin: tf.sin,
  cos: tf.cos,
  logicalNot: tf.logicalNot,
  isNaN: tf.isNaN,
};

type BinaryWith = (a: tf.Tensor, b: tf.Tensor, engine: TfjsBackendName) => tf.Tensor;

const BINARY: Record<BinaryOp, Binary | BinaryWith> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: (a: tf.Tensor, b: tf.Tensor, engine: TfjsBackendName) =>
    a.dtype === 'int32' ? truncatingDiv(a, b, engine === 'webgpu') : tf.div(a, b),
  pow: tf.pow,
  maximum: (a: tf.Tensor, b: tf.Tensor) => nanPropagating(tf.maximum, a, b),
  minimum: (a: tf.Tensor, b: tf.Tensor) => nanPropagating(tf.minimum, a, b),
  eq: tf.equal,
  ne: tf.notEqual,
  lt: tf.less,
  le: tf.lessEqual,
  gt: tf.greater,
  ge: tf.greaterEqual,
  logicalAnd: tf.logicalAnd,
  logicalOr: tf.logicalOr,
};

type TfjsView = View<TfjsBuffer>;

export function unary(context: KernelContext, op: UnaryOp, x: TfjsView, out: TfjsView): void {
  const name = `unary(${op})`;
  const def = UNARY_OPS[op];
  if (def === undefined) throw new ValueError(`unary: unknown op '${String(op)}'`);
  checked(context, name, 'out', out);
  checked(context, name, 'x', x);
  expectDType(name, 'x', x.dtype, def.dtypes);
  expectDType(name, 'out', out.dtype, [opOutDType(def, x.dtype)]);
  expectSameShape(name, 'x and out', x.shape, out.shape);
  const gpu = context.engine === 'webgl' || context.engine === 'webgpu';
  const fn = gpu && (op === 'sin' || op === 'cos') ? (value: tf.Tensor) => preciseSinCos(value, op) : UNARY[op];
  writeOut(context, out, () => fn(load(context.cache, x)));
}

export function binary(context: KernelContext, op: BinaryOp, a: TfjsView, b: TfjsView, out: TfjsView): void {
  const name = `binary(${op})`;
  const def = BINARY_OPS[op];
  if (def === undefined) throw new ValueError(`binary: unknown op '${String(op)}'`);
  checked(context, name, 'out', out);
  checked(context, name, 'a', a);
  checked(context, name, 'b', b);
  expectSameDType(name, 'operand', a.dtype, b.dtype);
  expectDType(name, 'a', a.dtype, def.dtypes);
  expectDType(name, 'out', out.dtype, [opOutDType(def, a.dtype)]);
  expectSameShape(name, 'operand', a.shape, b.shape);
  expectSameShape(name, 'operand and out', a.shape, out.shape);
  writeOut(context, out, () => (BINARY[op] as BinaryWith)(load(context.cache, a), load(context.cache, b), context.engine));
}

export function where(context: KernelContext, cond: TfjsView, a: TfjsView, b: TfjsView, out: TfjsView): void {
  const name = 'where';
  for (const [label, view] of [
    ['out', out],
    ['cond', cond],
    ['a', a],
    ['b', b],
  ] as const)
    checked(context, name, label, view);
  expectDType(name, 'cond', cond.dtype, ['bool']);
  expectSameDType(name, 'operand', a.dtype, b.dtype);
  expectSameDType(name, 'operand and out', a.dtype, out.dtype);
  expectSameShape(name, 'cond and out', cond.shape, out.shape);
  expectSameShape(name, 'operand', a.shape, b.shape);
  expectSameShape(name, 'operand and out', a.shape, out.shape);
  writeOut(context, out, () => {
    // tfjs-backend-wasm's Select reads bool operands wrongly; as int32 every engine agrees.
    const [valueA, valueB] = [a, b].map((view) =>
      view.dtype === 'bool' ? tf.cast(load(context.cache, view), 'int32') : load(context.cache, view),
    );
    return tf.where(load(context.cache, cond), valueA!, valueB!);
  });
}

export function copy(context: KernelContext, x: TfjsView, out: TfjsView): void {
  checked(context, 'copy', 'out', out);
  checked(context, 'copy', 'x', x);
  expectSameDType('copy', 'x and out', x.dtype, out.dtype);
  expectSameShape('copy', 'x and out', x.shape, out.shape);
  writeOut(context, out, () => load(context.cache, x));
}

/** float→int truncates toward zero, →bool is x ≠ 0 (NaN is true), as tfjs's cast does. */
export function cast(context: KernelContext, x: TfjsView, out: TfjsView): void {
  checked(context, 'cast', 'out', out);
  checked(context, 'cast', 'x', x);
  expectSameShape('cast', 'x and out', x.shape, out.shape);
  writeOut(context, out, () => {
    const value = load(context.cache, x);
    return out.dtype === 'bool' && x.dtype !== 'bool' ? tf.notEqual(value, tf.scalar(0, x.dtype)) : tf.cast(value, out.dtype);
  });
}

export function fill(context: KernelContext, out: TfjsView, value: number): void {
  checked(context, 'fill', 'out', out);
  if (typeof value !== 'number') throw new ValueError(`fill: value must be a number, got ${typeof value}`);
  // The value as the dtype stores it: int32 truncates and wraps, bool is value ≠ 0.
  const stored = typedArrayFor(out.dtype, 1);
  stored[0] = out.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  writeOut(context, out, () => tf.fill(out.shape as number[], stored[0]!, out.dtype));
}
