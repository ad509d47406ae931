// Gradient checks of LayerNormLSTM(Cell) and ClockworkRNN (@recur/cells) against finite
// differences (CPU), on the scan driver's step kernels and on the composed step: inputs, h0, c0,
// packed and batch-first layouts, two layers. Parameter gradients are checked by the fixtures.

import { describe, it } from 'vitest';
import { ClockworkRNN, LayerNormLSTM, LayerNormLSTMCell, withoutFusedKernels } from '@recur/cells';
import { packPaddedSequence } from '@recur/sequence';
import { Generator, concat, manualSeed, noGrad, randn, type Tensor } from '@recur/tensor';
import { expectGradcheck } from './gradcheck/index.js';

const generator = new Generator(33);
const normal = (shape: number[], scale = 1) => noGrad(() => randn(shape, { generator }).mul(scale));
const flat = (...ts: Tensor[]) => concat(ts.map((t) => t.reshape([-1])));
const bothPaths = (label: string, check: (label: string) => void) => {
  check(`${label} (step kernels)`);
  withoutFusedKernels(() => check(`${label} (composed)`));
};

describe('layer-norm LSTM and Clockwork RNN gradients ≡ finite differences', () => {
  it('LayerNormLSTMCell: one step, batched and unbatched', () => {
    manualSeed(5);
    const cell = new LayerNormLSTMCell({ inputSize: 3, hiddenSize: 4 });
    const [x, h, c] = [normal([2, 3]), normal([2, 4]), normal([2, 4])];
    expectGradcheck((a, b, d) => flat(...cell.forward(a!, [b!, d!])), [x, h, c], { label: 'ln-lstm cell' });
    expectGradcheck((a) => flat(...cell.forward(a!)), [normal([3])], { label: 'ln-lstm cell unbatched' });
  });

  it('LayerNormLSTM: two layers, seq-first with h0/c0', () => {
    manualSeed(6);
    const lstm = new LayerNormLSTM({ inputSize: 3, hiddenSize: 3, numLayers: 2 });
    const [x, h0, c0] = [normal([4, 2, 3]), normal([2, 2, 3]), normal([2, 2, 3])];
    bothPaths('ln-lstm 2 layers', (label) =>
      expectGradcheck(
        (a, b, d) => {
          const [y, [hN, cN]] = lstm.forward(a!, [b!, d!]);
          return flat(y, hN, cN);
        },
        [x, h0, c0],
        { label },
      ),
    );
  });

  it('LayerNormLSTM: packed sequences of unequal lengths', () => {
    manualSeed(7);
    const lstm = new LayerNormLSTM({ inputSize: 2, hiddenSize: 3, batchFirst: true });
    const x = normal([3, 4, 2]);
    bothPaths('ln-lstm packed', (label) =>
      expectGradcheck(
        (a) => {
          const [y, [hN, cN]] = lstm.forward(packPaddedSequence(a!, [2, 4, 3], { batchFirst: true, enforceSorted: false }));
          return flat(y.data, hN, cN);
        },
        [x],
        { label, allowZeroGradient: false },
      ),
    );
  });

  it('ClockworkRNN: periods [1, 2, 4], h0 given, and packed', () => {
    manualSeed(8);
    const rnn = new ClockworkRNN({ inputSize: 2, hiddenSize: 6, periods: [1, 2, 4] });
    const [x, h0] = [normal([6, 2, 2]), normal([1, 2, 6])];
    bothPaths('clockwork', (label) =>
      expectGradcheck(
        (a, b) => {
          const [y, hN] = rnn.forward(a!, b!);
          return flat(y, hN);
        },
        [x, h0],
        { label },
      ),
    );
    bothPaths('clockwork packed', (label) =>
      expectGradcheck(
        (a) => {
          const [y, hN] = rnn.forward(packPaddedSequence(a!, [6, 3], { enforceSorted: false }));
          return flat(y.data, hN);
        },
        [x],
        { label },
      ),
    );
  });
});
