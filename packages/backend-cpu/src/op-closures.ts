// The op tables' math as closures, for hosts that forbid `new Function` (strict CSP), plus the
// int32 forms that must differ from the tables. Tests hold each closure equal to its `js` string.
// x: unary operand; a, b: binary operands; acc: a reduction's accumulator.

import type { BinaryOp, DType, ReduceOp, UnaryOp } from '@recur/backend';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS } from '@recur/backend';

type Unary = (x: number) => number;
type Binary = (a: number, b: number) => number;

export const UNARY_CLOSURES: Record<UnaryOp, Unary> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sqrt: (x) => Math.sqrt(x),
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 || x !== x ? x : 0),
  floor: (x) => Math.floor(x),
  ceil: (x) => Math.ceil(x),
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  logicalNot: (x) => (x ? 0 : 1),
  isNaN: (x) => (x !== x ? 1 : 0),
};

export const BINARY_CLOSURES: Record<BinaryOp, Binary> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  maximum: (a, b) => (a > b || a !== a ? a : b),
  minimum: (a, b) => (a < b || a !== a ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a && b ? 1 : 0),
  logicalOr: (a, b) => (a || b ? 1 : 0),
};

export type AccumulateOp = Exclude<ReduceOp, 'argmax' | 'argmin'>;

export const REDUCE_CLOSURES: Record<AccumulateOp, Binary> = {
  sum: (acc, x) => acc + x,
  prod: (acc, x) => acc * x,
  max: (acc, x) => (x > acc || x !== x ? x : acc),
  min: (acc, x) => (x < acc || x !== x ? x : acc),
};

export interface OpMath<F> {
  readonly js: string;
  readonly fn: F;
}

// A product of two int32 can pass 2^53, where a float64 multiply drops the low bits before the
// int32 store wraps; Math.imul wraps exactly, as int32 arithmetic in PyTorch does.
const IMUL_SQUARE: OpMath<Unary> = { js: 'Math.imul(x, x)', fn: (x) => Math.imul(x, x) };
const IMUL: OpMath<Binary> = { js: 'Math.imul(a, b)', fn: (a, b) => Math.imul(a, b) };
const IMUL_ACC: OpMath<Binary> = { js: 'Math.imul(acc, x)', fn: (acc, x) => Math.imul(acc, x) };

export function unaryMath(op: UnaryOp, dtype: DType): OpMath<Unary> {
  if (dtype === 'int32' && op === 'square') return IMUL_SQUARE;
  return { js: UNARY_OPS[op].js, fn: UNARY_CLOSURES[op] };
}

export function binaryMath(op: BinaryOp, dtype: DType): OpMath<Binary> {
  if (dtype === 'int32' && op === 'mul') return IMUL;
  return { js: BINARY_OPS[op].js, fn: BINARY_CLOSURES[op] };
}

export function reduceMath(op: AccumulateOp, dtype: DType): OpMath<Binary> {
  if (dtype === 'int32' && op === 'prod') return IMUL_ACC;
  return { js: REDUCE_OPS[op].js, fn: REDUCE_CLOSURES[op] };
}
