// The op tables every backend shares: name → math, as a JavaScript expression (CPU backend)
// and a WGSL expression (WebGPU backend), so elementwise kernels are generated, not hand-written.
// `x` is the unary operand; `a`, `b` the binary operands. All math is on one element.

import type { DType } from './dtype.js';

/** How an op's output dtype follows from its input dtype. */
export type DTypeRule = 'same' | 'bool';

export interface UnaryOpDef {
  /** JavaScript expression in `x` (a number); the result is stored into the output array. */
  readonly js: string;
  /** WGSL expression in `x` (f32 for float ops). */
  readonly wgsl: string;
  /** dtypes the op accepts. */
  readonly dtypes: readonly DType[];
  readonly out: DTypeRule;
}

export interface BinaryOpDef {
  readonly js: string;
  readonly wgsl: string;
  readonly dtypes: readonly DType[];
  readonly out: DTypeRule;
}

const NUM: readonly DType[] = ['float32', 'int32'];
const FLOAT: readonly DType[] = ['float32'];
const ALL: readonly DType[] = ['float32', 'int32', 'bool'];

export const UNARY_OPS = {
  neg: { js: '-x', wgsl: '-x', dtypes: NUM, out: 'same' },
  abs: { js: 'Math.abs(x)', wgsl: 'abs(x)', dtypes: NUM, out: 'same' },
  sign: { js: '(x > 0 ? 1 : x < 0 ? -1 : 0)', wgsl: 'sign(x)', dtypes: NUM, out: 'same' },
  exp: { js: 'Math.exp(x)', wgsl: 'exp(x)', dtypes: FLOAT, out: 'same' },
  log: { js: 'Math.log(x)', wgsl: 'log(x)', dtypes: FLOAT, out: 'same' },
  sqrt: { js: 'Math.sqrt(x)', wgsl: 'sqrt(x)', dtypes: FLOAT, out: 'same' },
  rsqrt: { js: '1 / Math.sqrt(x)', wgsl: 'inverseSqrt(x)', dtypes: FLOAT, out: 'same' },
  reciprocal: { js: '1 / x', wgsl: '1.0 / x', dtypes: FLOAT, out: 'same' },
  square: { js: 'x * x', wgsl: 'x * x', dtypes: NUM, out: 'same' },
  // tanh saturates to ±1 beyond |x| = 10 in float32; WGSL's tanh overflows exp for large |x|.
  tanh: { js: 'Math.tanh(x)', wgsl: 'tanh(clamp(x, -15.0, 15.0))', dtypes: FLOAT, out: 'same' },
  // Two-sided form so exp never overflows: for x < 0, e^x / (1 + e^x).
  sigmoid: {
    js: '(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))',
    wgsl: 'select(exp(x) / (1.0 + exp(x)), 1.0 / (1.0 + exp(-x)), x >= 0.0)',
    dtypes: FLOAT,
    out: 'same',
  },
  relu: { js: '(x > 0 || x !== x ? x : 0)', wgsl: 'select(0.0, x, x > 0.0 || x != x)', dtypes: NUM, out: 'same' },
  floor: { js: 'Math.floor(x)', wgsl: 'floor(x)', dtypes: FLOAT, out: 'same' },
  ceil: { js: 'Math.ceil(x)', wgsl: 'ceil(x)', dtypes: FLOAT, out: 'same' },
  sin: { js: 'Math.sin(x)', wgsl: 'sin(x)', dtypes: FLOAT, out: 'same' },
  cos: { js: 'Math.cos(x)', wgsl: 'cos(x)', dtypes: FLOAT, out: 'same' },
  logicalNot: { js: '(x ? 0 : 1)', wgsl: 'select(1u, 0u, x != 0u)', dtypes: ['bool'], out: 'bool' },
  isNaN: { js: '(x !== x ? 1 : 0)', wgsl: 'select(0u, 1u, x != x)', dtypes: FLOAT, out: 'bool' },
} as const satisfies Record<string, UnaryOpDef>;

export const BINARY_OPS = {
  add: { js: 'a + b', wgsl: 'a + b', dtypes: NUM, out: 'same' },
  sub: { js: 'a - b', wgsl: 'a - b', dtypes: NUM, out: 'same' },
  mul: { js: 'a * b', wgsl: 'a * b', dtypes: NUM, out: 'same' },
  // Integer division truncates toward zero (the int32 store truncates).
  div: { js: 'a / b', wgsl: 'a / b', dtypes: NUM, out: 'same' },
  pow: { js: 'Math.pow(a, b)', wgsl: 'pow(a, b)', dtypes: FLOAT, out: 'same' },
  maximum: { js: '(a > b || a !== a ? a : b)', wgsl: 'max(a, b)', dtypes: NUM, out: 'same' },
  minimum: { js: '(a < b || a !== a ? a : b)', wgsl: 'min(a, b)', dtypes: NUM, out: 'same' },
  eq: { js: '(a === b ? 1 : 0)', wgsl: 'select(0u, 1u, a == b)', dtypes: ALL, out: 'bool' },
  ne: { js: '(a !== b ? 1 : 0)', wgsl: 'select(0u, 1u, a != b)', dtypes: ALL, out: 'bool' },
  lt: { js: '(a < b ? 1 : 0)', wgsl: 'select(0u, 1u, a < b)', dtypes: NUM, out: 'bool' },
  le: { js: '(a <= b ? 1 : 0)', wgsl: 'select(0u, 1u, a <= b)', dtypes: NUM, out: 'bool' },
  gt: { js: '(a > b ? 1 : 0)', wgsl: 'select(0u, 1u, a > b)', dtypes: NUM, out: 'bool' },
  ge: { js: '(a >= b ? 1 : 0)', wgsl: 'select(0u, 1u, a >= b)', dtypes: NUM, out: 'bool' },
  logicalAnd: { js: '(a && b ? 1 : 0)', wgsl: 'select(0u, 1u, a != 0u && b != 0u)', dtypes: ['bool'], out: 'bool' },
  logicalOr: { js: '(a || b ? 1 : 0)', wgsl: 'select(0u, 1u, a != 0u || b != 0u)', dtypes: ['bool'], out: 'bool' },
} as const satisfies Record<string, BinaryOpDef>;

export type UnaryOp = keyof typeof UNARY_OPS;
export type BinaryOp = keyof typeof BINARY_OPS;

/**
 * Reductions. `argmax`/`argmin` return the first index of the extreme value along a single axis
 * (int32); `sum`/`prod`/`max`/`min` keep the input dtype.
 */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';

export interface ReduceOpDef {
  /** Initial accumulator value (as a JS number). */
  readonly init: number;
  /** JS expression combining accumulator `acc` and element `x`. */
  readonly js: string;
  readonly wgsl: string;
}

export const REDUCE_OPS = {
  sum: { init: 0, js: 'acc + x', wgsl: 'acc + x' },
  prod: { init: 1, js: 'acc * x', wgsl: 'acc * x' },
  // NaN propagates, as in PyTorch.
  max: { init: -Infinity, js: '(x > acc || x !== x ? x : acc)', wgsl: 'max(acc, x)' },
  min: { init: Infinity, js: '(x < acc || x !== x ? x : acc)', wgsl: 'min(acc, x)' },
} as const satisfies Record<Exclude<ReduceOp, 'argmax' | 'argmin'>, ReduceOpDef>;

/** The input dtypes each reduction accepts, the same on every backend (sum and prod need numbers). */
export const REDUCE_DTYPES: Readonly<Record<ReduceOp, readonly DType[]>> = {
  sum: ['float32', 'int32'],
  prod: ['float32', 'int32'],
  max: ['float32', 'int32', 'bool'],
  min: ['float32', 'int32', 'bool'],
  argmax: ['float32', 'int32', 'bool'],
  argmin: ['float32', 'int32', 'bool'],
};

/** Output dtype of a unary or binary op on inputs of `dtype`. */
export function opOutDType(def: UnaryOpDef | BinaryOpDef, dtype: DType): DType {
  return def.out === 'bool' ? 'bool' : dtype;
}
