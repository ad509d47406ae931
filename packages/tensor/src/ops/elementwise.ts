// Elementwise ops with broadcasting and their VJPs: arithmetic, transcendental, activations,
// comparisons (bool, no grad), where, clamp and dtype casts. `g` is the upstream gradient,
// `y` the op's output, `a`/`b` the operands; broadcast gradients are summed back to shape.

import {
  DTypeError,
  UNARY_OPS,
  ValueError,
  checkOptions,
  expectNumber,
  BINARY_OPS,
  opOutDType,
  type BinaryOp,
  type DType,
  type UnaryOp,
} from '@recur/backend';
import { Tensor } from '../tensor.js';
import { allocTensor, broadcastShapes, broadcastViewOf, commonBackend, viewOf } from '../internal.js';
import { attach, needsGrad } from '../autograd.js';
import { scalar } from '../creation.js';
import { scope } from '../scope.js';
import { sumToShape } from './reduce.js';
import { expectDTypeName, expectOperand, expectTensor } from '../args.js';

export type Operand = Tensor | number;

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** The dtype two operands compute in (PyTorch's promotion, restricted to our three dtypes). */
function promote(a: Operand, b: Operand): DType {
  const kind = (v: Operand): DType => (v instanceof Tensor ? v.dtype : Number.isInteger(v) ? 'int32' : 'float32');
  // A JS number only lifts the category (int → float), never outranks a tensor of its kind.
  if (a instanceof Tensor && b instanceof Tensor) return RANK[a.dtype] >= RANK[b.dtype] ? a.dtype : b.dtype;
  const t = (a instanceof Tensor ? a : b) as Tensor;
  const n = kind(a instanceof Tensor ? b : a);
  if (t.dtype === 'float32' || n === 'float32') return RANK[n] > RANK[t.dtype] ? n : t.dtype;
  return t.dtype === 'bool' ? 'int32' : t.dtype;
}

function asTensor(value: Operand, dtype: DType, like: Tensor): Tensor {
  if (value instanceof Tensor) return value.dtype === dtype ? value : cast(value, dtype);
  return scalar(value, { dtype, backend: like.liveStorage('scalar').backend });
}

/** Run a unary kernel into a new tensor (no autograd). */
export function unaryKernel(op: UnaryOp, x: Tensor): Tensor {
  expectTensor(op, 'x', x);
  const def = UNARY_OPS[op];
  if (!(def.dtypes as readonly DType[]).includes(x.dtype)) {
    throw new DTypeError(`${op}: expected ${def.dtypes.join(' or ')} input; got ${x.dtype}`);
  }
  const backend = commonBackend(op, x);
  const out = allocTensor(x.shape, opOutDType(def, x.dtype), backend);
  backend.unary(op, viewOf(x), viewOf(out));
  return out;
}

/** Run a binary kernel with broadcasting into a new tensor (no autograd). */
export function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const def = BINARY_OPS[op];
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: operand dtypes differ: ${a.dtype} and ${b.dtype}`);
  if (!(def.dtypes as readonly DType[]).includes(a.dtype)) {
    throw new DTypeError(`${op}: expected ${def.dtypes.join(' or ')} operands; got ${a.dtype}`);
  }
  const backend = commonBackend(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = allocTensor(shape, opOutDType(def, a.dtype), backend);
  backend.binary(op, broadcastViewOf(a, shape), broadcastViewOf(b, shape), viewOf(out));
  return out;
}

/** The tensors a unary VJP may read: the input x and the output y. */
type UnaryOperands = { readonly x: Tensor; readonly y: Tensor };
/** The tensors a binary VJP may read: the operands a, b and the output y. */
type BinaryOperands = { readonly a: Tensor; readonly b: Tensor; readonly y: Tensor };

/**
 * A unary op's gradient: `saves` names the operands its VJP reads — only those are saved, and the
 * VJP is typed to see only them.
 */
interface UnaryGrad<K extends keyof UnaryOperands> {
  readonly saves: readonly K[];
  readonly vjp: (g: Tensor, saved: Pick<UnaryOperands, K>) => Tensor;
}

/** A binary op's gradient; `need[k]` says whether operand k wants one. */
interface BinaryGrad<K extends keyof BinaryOperands> {
  readonly saves: readonly K[];
  readonly vjp: (g: Tensor, saved: Pick<BinaryOperands, K>, need: readonly [boolean, boolean]) => [Tensor | null, Tensor | null];
}

/** The named operands picked out by `saves`. */
function pick<T extends object, K extends keyof T>(all: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = all[key];
  return out;
}

function unary<K extends keyof UnaryOperands>(op: UnaryOp, x: Tensor, grad?: UnaryGrad<K>): Tensor {
  expectTensor(op, 'x', x);
  if (x.dtype !== 'float32' && !(UNARY_OPS[op].dtypes as readonly DType[]).includes(x.dtype)) {
    return scope(() => unaryKernel(op, cast(x, 'float32')));
  }
  const y = unaryKernel(op, x);
  if (grad && needsGrad(x)) {
    attach(y, op, [x], { save: pick({ x, y }, grad.saves), vjp: (g, saved) => [grad.vjp(g, saved)] });
  }
  return y;
}

function binary<K extends keyof BinaryOperands>(op: BinaryOp, left: Operand, right: Operand, grad?: BinaryGrad<K>): Tensor {
  expectOperand(op, 'a', left);
  expectOperand(op, 'b', right);
  if (!(left instanceof Tensor) && !(right instanceof Tensor)) {
    throw new ValueError(`${op}: at least one operand must be a Tensor; got the numbers ${left} and ${right}`);
  }
  if (left instanceof Tensor && right instanceof Tensor && left.dtype === right.dtype) {
    return binaryBody(op, left, right, grad);
  }
  // Scalars and casts make temporaries; the scope frees them (saved aliases keep what backward needs).
  return scope(() => binaryBody(op, left, right, grad));
}

function binaryBody<K extends keyof BinaryOperands>(op: BinaryOp, left: Operand, right: Operand, grad?: BinaryGrad<K>): Tensor {
  const like = (left instanceof Tensor ? left : right) as Tensor;
  let dtype = promote(left, right);
  if (dtype === 'bool' && !(BINARY_OPS[op].dtypes as readonly DType[]).includes('bool')) dtype = 'int32';
  if (op === 'pow') dtype = 'float32';
  const a = asTensor(left, dtype, like);
  const b = asTensor(right, dtype, like);
  const y = binaryKernel(op, a, b);
  if (grad && needsGrad(a, b)) {
    const need = [a.requiresGrad, b.requiresGrad] as const;
    const aShape = a.shape;
    const bShape = b.shape;
    attach(y, op, [a, b], {
      save: pick({ a, b, y }, grad.saves),
      vjp: (g, saved) => {
        const [ga, gb] = grad.vjp(g, saved, need);
        return [ga && sumToShape(ga, aShape), gb && sumToShape(gb, bShape)];
      },
    });
  }
  return y;
}

// ── arithmetic ─────────────────────────────────────────────────────────────────────────
export const add = (a: Operand, b: Operand): Tensor => binary('add', a, b, { saves: [], vjp: (g) => [g, g] });
export const sub = (a: Operand, b: Operand): Tensor =>
  binary('sub', a, b, { saves: [], vjp: (g, _saved, need) => [g, need[1] ? neg(g) : null] });
export const mul = (a: Operand, b: Operand): Tensor =>
  binary('mul', a, b, {
    saves: ['a', 'b'],
    vjp: (g, { a: as, b: bs }, need) => [need[0] ? mul(g, bs) : null, need[1] ? mul(g, as) : null],
  });
export const div = (a: Operand, b: Operand): Tensor => {
  expectOperand('div', 'a', a);
  expectOperand('div', 'b', b);
  // True division, as PyTorch's `/`: integer operands give a float result.
  const left = a instanceof Tensor && a.dtype !== 'float32' ? cast(a, 'float32') : a;
  const right = b instanceof Tensor && b.dtype !== 'float32' ? cast(b, 'float32') : b;
  return binary('div', left, right, {
    saves: ['b', 'y'],
    vjp: (g, { b: bs, y }, need) => [need[0] ? div(g, bs) : null, need[1] ? neg(div(mul(g, y), bs)) : null],
  });
};
export const pow = (a: Operand, b: Operand): Tensor =>
  binary('pow', a, b, {
    saves: ['a', 'b', 'y'],
    vjp: (g, { a: as, b: bs, y }, need) => [
      need[0] ? mul(mul(g, bs), pow(as, sub(bs, 1))) : null,
      // d/db a^b = a^b ln a; PyTorch defines it as 0 where a = 0 and b ≥ 0.
      need[1] ? where(logicalAnd(eq(as, 0), ge(bs, 0)), 0, mul(mul(g, y), log(as))) : null,
    ],
  });
export const maximum = (a: Operand, b: Operand): Tensor =>
  binary('maximum', a, b, { saves: ['a', 'b'], vjp: (g, { a: as, b: bs }) => splitTies(g, gt(as, bs), eq(as, bs)) });
export const minimum = (a: Operand, b: Operand): Tensor =>
  binary('minimum', a, b, { saves: ['a', 'b'], vjp: (g, { a: as, b: bs }) => splitTies(g, lt(as, bs), eq(as, bs)) });

/** Gradient of max/min of two: to the winner, halved between equal operands (PyTorch). */
function splitTies(g: Tensor, aWins: Tensor, tie: Tensor): [Tensor, Tensor] {
  const weightA = add(cast(aWins, 'float32'), mul(cast(tie, 'float32'), 0.5));
  const ga = mul(g, weightA);
  return [ga, sub(g, ga)];
}

// ── unary math ─────────────────────────────────────────────────────────────────────────
export const neg = (x: Tensor): Tensor => unary('neg', x, { saves: [], vjp: (g) => neg(g) });
export const exp = (x: Tensor): Tensor => unary('exp', x, { saves: ['y'], vjp: (g, { y }) => mul(g, y) });
export const log = (x: Tensor): Tensor => unary('log', x, { saves: ['x'], vjp: (g, { x: xs }) => div(g, xs) });
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, { saves: ['y'], vjp: (g, { y }) => div(g, mul(y, 2)) });
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x, { saves: ['y'], vjp: (g, { y }) => mul(mul(g, -0.5), mul(y, mul(y, y))) });
export const abs = (x: Tensor): Tensor => unary('abs', x, { saves: ['x'], vjp: (g, { x: xs }) => mul(g, sign(xs)) });
export const sign = (x: Tensor): Tensor => unary('sign', x, { saves: [], vjp: (g) => mul(g, 0) });
export const square = (x: Tensor): Tensor => unary('square', x, { saves: ['x'], vjp: (g, { x: xs }) => mul(g, mul(xs, 2)) });
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x, { saves: ['y'], vjp: (g, { y }) => neg(mul(g, mul(y, y))) });
export const sin = (x: Tensor): Tensor => unary('sin', x, { saves: ['x'], vjp: (g, { x: xs }) => mul(g, cos(xs)) });
export const cos = (x: Tensor): Tensor => unary('cos', x, { saves: ['x'], vjp: (g, { x: xs }) => neg(mul(g, sin(xs))) });
export const floor = (x: Tensor): Tensor => unary('floor', x, { saves: [], vjp: (g) => mul(g, 0) });
export const ceil = (x: Tensor): Tensor => unary('ceil', x, { saves: [], vjp: (g) => mul(g, 0) });

// ── activations ────────────────────────────────────────────────────────────────────────
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, { saves: ['y'], vjp: (g, { y }) => mul(g, mul(y, sub(1, y))) });
export const tanh = (x: Tensor): Tensor => unary('tanh', x, { saves: ['y'], vjp: (g, { y }) => mul(g, sub(1, mul(y, y))) });
export const relu = (x: Tensor): Tensor => unary('relu', x, { saves: ['y'], vjp: (g, { y }) => where(gt(y, 0), g, 0) });

/** Limit values to [min, max]; the gradient flows where min ≤ x ≤ max (PyTorch). */
export function clamp(x: Tensor, options: { min?: number; max?: number }): Tensor {
  expectTensor('clamp', 'x', x);
  if (options === undefined) throw new ValueError('clamp: expected an options object { min?, max? }; got undefined');
  checkOptions('clamp', options, ['min', 'max']);
  if (options.min !== undefined) expectNumber('clamp', 'min', options.min);
  if (options.max !== undefined) expectNumber('clamp', 'max', options.max);
  return scope(() => clampBody(x, options.min, options.max));
}

function clampBody(x: Tensor, min: number | undefined, max: number | undefined): Tensor {
  let y = x;
  if (min !== undefined) y = binaryKernel('maximum', y, asTensor(min, x.dtype, x));
  if (max !== undefined) y = binaryKernel('minimum', y, asTensor(max, x.dtype, x));
  if (y === x) y = copyOf(x);
  if (needsGrad(x)) {
    attach(y, 'clamp', [x], {
      save: { x },
      vjp: (g, { x: xs }) => {
        let mask: Tensor | null = null;
        if (min !== undefined) mask = ge(xs, min);
        if (max !== undefined) mask = mask ? logicalAnd(mask, le(xs, max)) : le(xs, max);
        return [mask ? where(mask, g, 0) : g];
      },
    });
  }
  return y;
}

// ── comparisons and logic (bool results, no gradient) ──────────────────────────────────
export const eq = (a: Operand, b: Operand): Tensor => binary('eq', a, b);
export const ne = (a: Operand, b: Operand): Tensor => binary('ne', a, b);
export const lt = (a: Operand, b: Operand): Tensor => binary('lt', a, b);
export const le = (a: Operand, b: Operand): Tensor => binary('le', a, b);
export const gt = (a: Operand, b: Operand): Tensor => binary('gt', a, b);
export const ge = (a: Operand, b: Operand): Tensor => binary('ge', a, b);
const asBool = (x: Tensor): Tensor => (expectTensor('logical op', 'operand', x).dtype === 'bool' ? x : cast(x, 'bool'));
export const logicalNot = (x: Tensor): Tensor => scope(() => unaryKernel('logicalNot', asBool(x)));
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => scope(() => binaryKernel('logicalAnd', asBool(a), asBool(b)));
export const logicalOr = (a: Tensor, b: Tensor): Tensor => scope(() => binaryKernel('logicalOr', asBool(a), asBool(b)));

/** cond ? a : b elementwise, with broadcasting; cond must be bool. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  expectTensor('where', 'cond', cond);
  expectOperand('where', 'a', a);
  expectOperand('where', 'b', b);
  if (cond.dtype !== 'bool') throw new DTypeError(`where: condition must be bool; got ${cond.dtype}`);
  return scope(() => whereBody(cond, a, b));
}

function whereBody(cond: Tensor, a: Operand, b: Operand): Tensor {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : cond;
  const dtype = a instanceof Tensor || b instanceof Tensor ? promote(a, b) : 'float32';
  const at = asTensor(a, dtype, like);
  const bt = asTensor(b, dtype, like);
  const backend = commonBackend('where', cond, at, bt);
  const shape = broadcastShapes('where', cond.shape, at.shape, bt.shape);
  const y = allocTensor(shape, dtype, backend);
  backend.where(broadcastViewOf(cond, shape), broadcastViewOf(at, shape), broadcastViewOf(bt, shape), viewOf(y));
  if (needsGrad(at, bt)) {
    const aShape = at.shape;
    const bShape = bt.shape;
    attach(y, 'where', [at, bt], {
      save: { cond },
      vjp: (g, { cond: cs }) => [sumToShape(where(cs, g, 0), aShape), sumToShape(where(cs, 0, g), bShape)],
    });
  }
  return y;
}

/** A contiguous copy of x in `dtype`; float32 → float32 keeps the gradient. */
export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor('cast', 'x', x);
  expectDTypeName('cast', dtype);
  const backend = commonBackend('cast', x);
  const y = allocTensor(x.shape, dtype, backend);
  backend.cast(viewOf(x), viewOf(y));
  if (dtype === 'float32' && needsGrad(x)) attach(y, 'cast', [x], { vjp: (g) => [g] });
  return y;
}

/** A contiguous copy with the same dtype (no autograd; see views.clone for the differentiable one). */
export function copyOf(x: Tensor): Tensor {
  const backend = commonBackend('copy', x);
  const y = allocTensor(x.shape, x.dtype, backend);
  backend.copy(viewOf(x), viewOf(y));
  return y;
}
