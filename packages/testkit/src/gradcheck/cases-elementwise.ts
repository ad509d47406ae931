// Gradient-check cases for the elementwise ops: arithmetic with broadcasting ([2,3]·[3],
// [2,1]·[1,3], 0-d and JS-number operands), transcendental and activation functions, clamp,
// where, cast, the zero-gradient roundings, and strided (transposed) operands.

import {
  abs,
  add,
  cast,
  ceil,
  clamp,
  cos,
  div,
  exp,
  floor,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  relu,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  sub,
  tanh,
  tensor,
  where,
  type Tensor,
} from '@recur/tensor';
import { gradcheckCase as c, type GradcheckCase } from './op-case.js';
import { awayFrom, distinctInput, normalInput as n, positiveInput, separatedPair, transposedInput } from './inputs.js';

type Binary = (a: Tensor, b: Tensor) => Tensor;

/** The same binary op on equal shapes, both broadcast patterns and a 0-d operand. */
function broadcastCases(name: string, op: Binary, right: (shape: number[]) => Tensor = n): GradcheckCase[] {
  return [
    c(`${name} [2,3]·[2,3]`, () => ({ fn: op, inputs: [n([2, 3]), right([2, 3])] })),
    c(`${name} broadcast [2,3]·[3]`, () => ({ fn: op, inputs: [n([2, 3]), right([3])] })),
    c(`${name} broadcast [3]·[2,3]`, () => ({ fn: op, inputs: [n([3]), right([2, 3])] })),
    c(`${name} broadcast [2,1]·[1,3]`, () => ({ fn: op, inputs: [n([2, 1]), right([1, 3])] })),
    c(`${name} with a 0-d tensor operand`, () => ({ fn: op, inputs: [n([2, 3]), right([])] })),
  ];
}

/** Values between the integers, so floor/ceil are flat over the whole finite-difference step. */
const betweenIntegers = (shape: number[]): Tensor => awayFrom(shape, [-3, -2, -1, 0, 1, 2, 3], 0.2);

const mask = (): Tensor =>
  tensor([
    [true, false, true],
    [false, false, true],
  ]);

export const elementwiseCases: readonly GradcheckCase[] = [
  // ── arithmetic ───────────────────────────────────────────────────────────────────────
  ...broadcastCases('add', add),
  c('add a JS number', () => ({ fn: (x) => add(x, 1.5), inputs: [n([2, 3])] })),
  ...broadcastCases('sub', sub),
  c('sub from a JS number', () => ({ fn: (x) => sub(1, x), inputs: [n([2, 3])] })),
  ...broadcastCases('mul', mul),
  c('mul by a JS number', () => ({ fn: (x) => mul(x, -2.5), inputs: [n([2, 3])] })),
  c('mul of a tensor by itself', () => ({ fn: (x) => mul(x, x), inputs: [n([2, 3])] })),
  ...broadcastCases('div', div, (shape) => awayFrom(shape, [0], 0.5)),
  c('div a JS number by a tensor', () => ({ fn: (x) => div(2, x), inputs: [awayFrom([2, 3], [0], 0.5)] })),
  c('pow, both operands', () => ({ fn: pow, inputs: [positiveInput([2, 3]), n([2, 3])] })),
  c('pow broadcast [2,3]^[3]', () => ({ fn: pow, inputs: [positiveInput([2, 3]), n([3])] })),
  c('pow broadcast [3]^[2,3]', () => ({ fn: pow, inputs: [positiveInput([3]), n([2, 3])] })),
  c('pow with a 0-d exponent', () => ({ fn: pow, inputs: [positiveInput([2, 3]), n([])] })),
  c('pow with a JS-number exponent (negative bases)', () => ({ fn: (x) => pow(x, 3), inputs: [n([2, 3])] })),
  c('pow with a JS-number base', () => ({ fn: (x) => pow(2, x), inputs: [n([2, 3])] })),
  c('maximum', () => ({ fn: maximum, inputs: separatedPair([2, 3]) })),
  c('maximum broadcast [2,3]·[3]', () => ({ fn: maximum, inputs: separatedPair([2, 3], [3]) })),
  c('maximum with a JS number', () => ({ fn: (x) => maximum(x, 0.1), inputs: [awayFrom([2, 3], [0.1])] })),
  c('minimum', () => ({ fn: minimum, inputs: separatedPair([2, 3]) })),
  c('minimum broadcast [2,3]·[1,3]', () => ({ fn: minimum, inputs: separatedPair([2, 3], [1, 3]) })),
  c('minimum with a JS number', () => ({ fn: (x) => minimum(x, -0.2), inputs: [awayFrom([2, 3], [-0.2])] })),

  // ── unary math and activations ────────────────────────────────────────────────────────
  c('neg', () => ({ fn: neg, inputs: [n([2, 3])] })),
  c('exp', () => ({ fn: exp, inputs: [n([2, 3])] })),
  c('log (positive inputs)', () => ({ fn: log, inputs: [positiveInput([2, 3])] })),
  c('sqrt (positive inputs)', () => ({ fn: sqrt, inputs: [positiveInput([2, 3])] })),
  c('rsqrt (positive inputs)', () => ({ fn: rsqrt, inputs: [positiveInput([2, 3])] })),
  c('abs (away from 0)', () => ({ fn: abs, inputs: [awayFrom([2, 3])] })),
  c('square', () => ({ fn: square, inputs: [n([2, 3])] })),
  c('reciprocal (away from 0)', () => ({ fn: reciprocal, inputs: [awayFrom([2, 3], [0], 0.5)] })),
  c('sin', () => ({ fn: sin, inputs: [n([2, 3])] })),
  c('cos', () => ({ fn: cos, inputs: [n([2, 3])] })),
  c('sigmoid', () => ({ fn: sigmoid, inputs: [n([2, 3])] })),
  c('tanh', () => ({ fn: tanh, inputs: [n([2, 3])] })),
  c('relu (away from 0)', () => ({ fn: relu, inputs: [awayFrom([3, 4])] })),
  c('clamp min and max', () => ({
    fn: (x) => clamp(x, { min: -0.5, max: 0.6 }),
    inputs: [awayFrom([3, 4], [-0.5, 0.6], 0.2)],
  })),
  c('clamp min only', () => ({ fn: (x) => clamp(x, { min: 0.2 }), inputs: [awayFrom([3, 4], [0.2])] })),
  c('clamp max only', () => ({ fn: (x) => clamp(x, { max: -0.1 }), inputs: [awayFrom([3, 4], [-0.1])] })),
  c('clamp without bounds (identity)', () => ({ fn: (x) => clamp(x, {}), inputs: [n([2, 3])] })),
  // sign, floor and ceil are flat almost everywhere: the check proves the VJP is exactly zero.
  c('sign (zero gradient)', () => ({ fn: sign, inputs: [awayFrom([2, 3])], options: { allowZeroGradient: true } })),
  c('floor (zero gradient)', () => ({ fn: floor, inputs: [betweenIntegers([2, 3])], options: { allowZeroGradient: true } })),
  c('ceil (zero gradient)', () => ({ fn: ceil, inputs: [betweenIntegers([2, 3])], options: { allowZeroGradient: true } })),

  // ── where and cast ───────────────────────────────────────────────────────────────────
  c('where, both branches', () => {
    const cond = mask();
    return { fn: (a, b) => where(cond, a, b), inputs: [n([2, 3]), n([2, 3])] };
  }),
  c('where broadcast: cond [2,3], a [3], b [2,1]', () => {
    const cond = mask();
    return { fn: (a, b) => where(cond, a, b), inputs: [n([3]), n([2, 1])] };
  }),
  c('where with a JS-number branch', () => {
    const cond = mask();
    return { fn: (a) => where(cond, 0.5, a), inputs: [n([2, 3])] };
  }),
  c('cast float32 → float32', () => ({ fn: (x) => mul(cast(x, 'float32'), x), inputs: [n([2, 3])] })),

  // ── strided operands: the kernels read through transposed strides ────────────────────
  c('mul of a transposed and a contiguous input', () => ({
    fn: mul,
    inputs: [transposedInput([2, 3]), n([2, 3])],
    strided: [0],
  })),
  c('add of a transposed input and a broadcast row', () => ({
    fn: add,
    inputs: [transposedInput([3, 4]), n([4])],
    strided: [0],
  })),
  c('exp of a transposed input', () => ({ fn: exp, inputs: [transposedInput([3, 2])], strided: [0] })),
  c('maximum of a transposed input and its separated partner', () => {
    const a = transposedInput([2, 3]);
    return { fn: maximum, inputs: [a, sub(a, awayFrom([2, 3]))], strided: [0] };
  }),
  c('relu of distinct values around 0', () => ({ fn: relu, inputs: [distinctInput([2, 4], 0.3)] })),
];
