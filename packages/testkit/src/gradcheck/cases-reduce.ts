// Gradient-check cases for reductions (sum, mean, max, min, logSumExp over all axes, one axis,
// several axes, with and without keepDim), softmax/logSoftmax, and matmul in every rank pattern
// PyTorch allows: A [..., M, K] · B [..., K, N] with broadcast batch dims and 1-D operands, and
// linear (x·Wᵀ + b over the last dimension).

import { logSoftmax, logSumExp, linear, matmul, max, mean, min, softmax, sum, type ReduceOptions, type Tensor } from '@recur/tensor';
import { gradcheckCase as c, type GradcheckCase } from './op-case.js';
import { distinctInput, normalInput as n, transposedInput } from './inputs.js';

type Reduce = (x: Tensor, options?: ReduceOptions) => Tensor;

const reduceVariants: readonly [string, ReduceOptions][] = [
  ['all axes', {}],
  ['all axes, keepDim', { keepDim: true }],
  ['axis 1', { axis: 1 }],
  ['axis -1, keepDim', { axis: -1, keepDim: true }],
  ['axes [0,2]', { axis: [0, 2] }],
  ['axes [0,2], keepDim', { axis: [0, 2], keepDim: true }],
];

/**
 * One case per axis pattern on a [2,3,4] input. max/min get distinct values 0.3 apart, so no
 * finite-difference step can swap the winner of a slice (ties would make the gradient a split).
 */
function casesOverAxes(name: string, op: Reduce, input: (shape: number[]) => Tensor): GradcheckCase[] {
  return reduceVariants.map(([variant, options]) =>
    c(`${name} over ${variant}`, () => ({ fn: (x) => op(x, options), inputs: [input([2, 3, 4])] })),
  );
}

export const reduceCases: readonly GradcheckCase[] = [
  ...casesOverAxes('sum', sum, n),
  ...casesOverAxes('mean', mean, n),
  ...casesOverAxes('max', max, distinctInput),
  ...casesOverAxes('min', min, distinctInput),
  ...casesOverAxes('logSumExp', logSumExp, n),
  c('sum over axis 0 of a transposed input', () => ({
    fn: (x) => sum(x, { axis: 0 }),
    inputs: [transposedInput([3, 4])],
    strided: [0],
  })),
  c('max over axis 1 of a [3,1] input (one element per slice)', () => ({
    fn: (x) => max(x, { axis: 1 }),
    inputs: [n([3, 1])],
  })),
  c('logSumExp of large values (the max shift matters)', () => ({
    fn: (x) => logSumExp(x.mul(20), { axis: 1 }),
    inputs: [n([2, 4])],
  })),
];

export const softmaxCases: readonly GradcheckCase[] = [
  c('softmax over the last axis', () => ({ fn: (x) => softmax(x), inputs: [n([3, 4])] })),
  c('softmax over axis 0', () => ({ fn: (x) => softmax(x, 0), inputs: [n([3, 4])] })),
  c('softmax over the middle axis of [2,3,2]', () => ({ fn: (x) => softmax(x, 1), inputs: [n([2, 3, 2])] })),
  c('softmax of a transposed input', () => ({ fn: (x) => softmax(x, -1), inputs: [transposedInput([3, 4])], strided: [0] })),
  c('logSoftmax over the last axis', () => ({ fn: (x) => logSoftmax(x), inputs: [n([3, 4])] })),
  c('logSoftmax over axis 0', () => ({ fn: (x) => logSoftmax(x, 0), inputs: [n([3, 4])] })),
  c('logSoftmax of a 1-D input', () => ({ fn: (x) => logSoftmax(x, 0), inputs: [n([5])] })),
  c('logSoftmax of a transposed input', () => ({ fn: (x) => logSoftmax(x, 0), inputs: [transposedInput([4, 3])], strided: [0] })),
];

export const matmulCases: readonly GradcheckCase[] = [
  c('matmul 2-D [3,4]·[4,2]', () => ({ fn: matmul, inputs: [n([3, 4]), n([4, 2])] })),
  c('matmul batched [2,3,4]·[2,4,2]', () => ({ fn: matmul, inputs: [n([2, 3, 4]), n([2, 4, 2])] })),
  c('matmul batched with a broadcast matrix [2,3,4]·[4,2]', () => ({ fn: matmul, inputs: [n([2, 3, 4]), n([4, 2])] })),
  c('matmul broadcast batch [2,1,2,3]·[3,3,2]', () => ({ fn: matmul, inputs: [n([2, 1, 2, 3]), n([3, 3, 2])] })),
  c('matmul broadcast batch [1,2,3]·[2,1,3,2]', () => ({ fn: matmul, inputs: [n([1, 2, 3]), n([2, 1, 3, 2])] })),
  c('matmul 1-D·2-D [4]·[4,3]', () => ({ fn: matmul, inputs: [n([4]), n([4, 3])] })),
  c('matmul 2-D·1-D [3,4]·[4]', () => ({ fn: matmul, inputs: [n([3, 4]), n([4])] })),
  c('matmul 1-D·1-D (dot) [4]·[4]', () => ({ fn: matmul, inputs: [n([4]), n([4])] })),
  c('matmul 1-D·batched [3]·[2,3,2]', () => ({ fn: matmul, inputs: [n([3]), n([2, 3, 2])] })),
  c('matmul batched·1-D [2,2,3]·[3]', () => ({ fn: matmul, inputs: [n([2, 2, 3]), n([3])] })),
  c('matmul with transposed operands Aᵀ·Bᵀ', () => ({
    fn: matmul,
    inputs: [transposedInput([3, 4]), transposedInput([4, 2])],
    strided: [0, 1],
  })),
  c('matmul of a matrix with itself', () => ({ fn: (x) => matmul(x, x), inputs: [n([3, 3])] })),
  c('linear x·Wᵀ + b [3,4]·[2,4]ᵀ + [2]', () => ({ fn: (x, w, b) => linear(x, w, b), inputs: [n([3, 4]), n([2, 4]), n([2])] })),
  c('linear of a transposed x [3,4]', () => ({
    fn: (x, w, b) => linear(x, w, b),
    inputs: [transposedInput([3, 4]), n([2, 4]), n([2])],
    strided: [0],
  })),
  c('linear over leading dims [2,3,4]', () => ({ fn: (x, w, b) => linear(x, w, b), inputs: [n([2, 3, 4]), n([2, 4]), n([2])] })),
  c('linear without bias [3,4]·[2,4]ᵀ', () => ({ fn: (x, w) => linear(x, w), inputs: [n([3, 4]), n([2, 4])] })),
];
