// Gradient-check cases for graph shapes rather than single ops: an intermediate used by several
// ops (gradients summed at a node), diamonds, long chains, VJPs handed a strided upstream gradient
// (the output transposed), and composites an RNN library leans on: an LSTM cell step (gates
// i f g o, hidden h, cell c) and a negative log-likelihood loss.

import {
  add,
  chunk,
  concat,
  exp,
  gather,
  indexSelect,
  logSoftmax,
  matmul,
  mean,
  mul,
  narrow,
  pad,
  scatterAdd,
  sigmoid,
  slice,
  softmax,
  sin,
  tanh,
  tensor,
  transpose,
  type Tensor,
} from '@recur/tensor';
import { gradcheckCase as c, type GradcheckCase } from './op-case.js';
import { normalInput as n } from './inputs.js';

/** One LSTM step in PyTorch's layout: gates = x·W_ihᵀ + h·W_hhᵀ + b, split as i, f, g, o. */
function lstmStep(x: Tensor, h: Tensor, cell: Tensor, weightIh: Tensor, weightHh: Tensor, bias: Tensor): Tensor {
  const gates = add(add(matmul(x, transpose(weightIh)), matmul(h, transpose(weightHh))), bias);
  const [i, f, g, o] = chunk(gates, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const nextCell = add(mul(sigmoid(f), cell), mul(sigmoid(i), tanh(g)));
  const nextHidden = mul(sigmoid(o), tanh(nextCell));
  return concat([nextHidden, nextCell], 1);
}

const int32 = (values: number[][]): Tensor => tensor(values, { dtype: 'int32' });

/** `op` followed by a transpose, so the op's VJP receives a non-contiguous gradient. */
function transposedAfter(name: string, op: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[]): GradcheckCase {
  return c(`${name} with a transposed upstream gradient`, () => ({ fn: (...xs) => transpose(op(...xs)), inputs: inputs() }));
}

export const graphCases: readonly GradcheckCase[] = [
  c('an intermediate used by two ops', () => ({
    fn: (x) => {
      const h = tanh(x);
      return mul(h, exp(h));
    },
    inputs: [n([2, 3])],
  })),
  c('a diamond: one node feeding three branches', () => ({
    fn: (x) => {
      const h = mul(x, 0.7);
      return mul(add(sin(h), tanh(h)), h);
    },
    inputs: [n([3, 2])],
  })),
  c('one input through a view and directly', () => ({ fn: (x) => add(transpose(x), mul(x, x)), inputs: [n([3, 3])] })),
  c('a chain of 50 ops', () => ({
    fn: (x) => {
      let y = x;
      // Each step's derivative 0.98 + 0.05·cos y stays near 1, so the gradient neither vanishes nor explodes.
      for (let step = 0; step < 50; step++) y = add(mul(y, 0.98), mul(sin(y), 0.05));
      return y;
    },
    inputs: [n([4])],
  })),
  c('an LSTM cell step (B 2, input 3, H 4)', () => ({
    fn: lstmStep,
    inputs: [n([2, 3]), n([2, 4]), n([2, 4]), n([16, 3]), n([16, 4]), n([16])],
  })),
  transposedAfter(
    'pad',
    (x) => pad(x, [1, 1]),
    () => [n([2, 3])],
  ),
  transposedAfter(
    'narrow',
    (x) => narrow(x, 1, 1, 2),
    () => [n([3, 4])],
  ),
  transposedAfter(
    'slice with step 2',
    (x) => slice(x, 1, 0, 5, 2),
    () => [n([2, 5])],
  ),
  transposedAfter(
    'gather',
    (x) =>
      gather(
        x,
        1,
        int32([
          [0, 2],
          [1, 1],
        ]),
      ),
    () => [n([2, 3])],
  ),
  transposedAfter(
    'indexSelect',
    (x) => indexSelect(x, 0, [1, 1, 0]),
    () => [n([2, 3])],
  ),
  transposedAfter(
    'scatterAdd',
    (x, src) =>
      scatterAdd(
        x,
        0,
        int32([
          [0, 2],
          [1, 1],
        ]),
        src,
      ),
    () => [n([3, 3]), n([2, 2])],
  ),
  transposedAfter(
    'softmax over axis 0',
    (x) => softmax(x, 0),
    () => [n([3, 4])],
  ),
  transposedAfter('matmul', matmul, () => [n([3, 4]), n([4, 2])]),
  c('negative log-likelihood: -mean(gather(logSoftmax(z), targets))', () => {
    const targets = tensor([[2], [0], [3]], { dtype: 'int32' });
    return { fn: (z) => mul(mean(gather(logSoftmax(z, 1), 1, targets)), -1), inputs: [n([3, 4])] };
  }),
];
