// The Elman RNN (tanh or ReLU) as a cell kind: 1 gate block, state h. Its sequence step is an
// ordinary unary kernel on the pre-activation rows, so it runs on every backend. Backward:
// d pre = dh·(1 − y²) for tanh, dh·sign(y) for ReLU (y ≥ 0, so sign is the 0/1 mask). H hidden.

import type { CellKind } from './cell-kind.js';
import { rnnStep, type Nonlinearity } from './steps.js';

function elmanKind(nonlinearity: Nonlinearity): CellKind {
  return {
    name: nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU',
    gates: 1,
    states: 1,
    composedStep: (w) => (gx, state) => ({ h: rnnStep(gx, state.h, w.weightHh, w.biasHh, nonlinearity), c: null }),
    sequenceKernels: (backend) => ({
      separateRecurrent: false,
      cell: nonlinearity === 'tanh' ? 'rnn_tanh' : 'rnn_relu',
      activations: 0,
      // Room for f'(y).
      scratch: 2,
      directGrad: [false],
      forward: ({ gates, next: [h] }) => backend.unary(nonlinearity, gates, h!),
      backward: ({ next: [y], dNext: [dh], dGates, scratch: [t1, t2] }) => {
        if (nonlinearity === 'tanh') {
          // dh − (dh·y)·y = dh·(1 − y²), without a constant 1 buffer.
          backend.binary('mul', dh!, y!, t1!);
          backend.binary('mul', t1!, y!, t2!);
          backend.binary('sub', dh!, t2!, dGates);
        } else {
          backend.unary('sign', y!, t1!);
          backend.binary('mul', dh!, t1!, dGates);
        }
      },
    }),
  };
}

export const RNN_TANH_KIND = elmanKind('tanh');
export const RNN_RELU_KIND = elmanKind('relu');
