// Fused ≡ composed: every fused kernel a backend provides must give the values and gradients
// of the composed path of ordinary ops, through whole layers (LSTM, GRU and the Elman RNN's
// sequence op; stacked, bidirectional, packed, projected, with initial states; whole-sequence
// kernels where the backend has them) on random sizes. Tolerance: 1e-5 relative + 1e-6 absolute.

import { describe, expect, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, RNN } from '@recur/cells';
import { packPaddedSequence, padPackedSequence } from '@recur/sequence';
import { memory, registerBackend, useBackend, type BackendV1 } from '@recur/tensor';
import { valuesAndGrads, weightedSum, type FusedCase } from './run-case.js';

interface Case extends FusedCase {
  readonly kind: 'lstm' | 'gru' | 'rnn';
}

const CASES: readonly Case[] = [
  {
    name: 'LSTMCell',
    kind: 'lstm',
    inputShape: [5, 7],
    build: () => new LSTMCell({ inputSize: 7, hiddenSize: 9 }),
    loss: (m, x) => {
      const [h, c] = (m as LSTMCell).forward(x);
      return weightedSum(h, 1).add(weightedSum(c, 2));
    },
  },
  {
    name: 'GRUCell',
    kind: 'gru',
    inputShape: [4, 6],
    build: () => new GRUCell({ inputSize: 6, hiddenSize: 5 }),
    loss: (m, x) => weightedSum((m as GRUCell).forward(x), 1),
  },
  {
    name: 'LSTM 2 layers, bidirectional, projSize 3',
    kind: 'lstm',
    inputShape: [6, 3, 4],
    build: () => new LSTM({ inputSize: 4, hiddenSize: 5, numLayers: 2, bidirectional: true, projSize: 3 }),
    loss: (m, x) => {
      const [y, [h, c]] = (m as LSTM).forward(x);
      return weightedSum(y, 1).add(weightedSum(h, 2)).add(weightedSum(c, 3));
    },
  },
  {
    name: 'GRU batch-first, 2 layers',
    kind: 'gru',
    inputShape: [3, 7, 4],
    build: () => new GRU({ inputSize: 4, hiddenSize: 6, numLayers: 2, batchFirst: true }),
    loss: (m, x) => {
      const [y, h] = (m as GRU).forward(x);
      return weightedSum(y, 1).add(weightedSum(h, 2));
    },
  },
  {
    name: 'LSTM packed, bidirectional',
    kind: 'lstm',
    inputShape: [6, 4, 3],
    build: () => new LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true }),
    loss: (m, x) => {
      const packed = packPaddedSequence(x, [4, 6, 1, 3], { enforceSorted: false });
      const [out, [h, c]] = (m as LSTM).forward(packed);
      const [y] = padPackedSequence(out);
      return weightedSum(y, 1).add(weightedSum(h, 2)).add(weightedSum(c, 3));
    },
  },
  {
    name: 'GRU packed',
    kind: 'gru',
    inputShape: [5, 3, 2],
    build: () => new GRU({ inputSize: 2, hiddenSize: 3 }),
    loss: (m, x) => {
      const [out, h] = (m as GRU).forward(packPaddedSequence(x, [5, 2, 3], { enforceSorted: false }));
      return weightedSum(padPackedSequence(out)[0], 1).add(weightedSum(h, 2));
    },
  },
  {
    // Initial states made from x, so dh0 and dc0 show up in x's gradient.
    name: 'LSTM packed, bidirectional, initial state from the input',
    kind: 'lstm',
    inputShape: [5, 3, 4],
    build: () => new LSTM({ inputSize: 4, hiddenSize: 4, bidirectional: true }),
    loss: (m, x) => {
      const packed = packPaddedSequence(x, [5, 2, 4], { enforceSorted: false });
      const [out, [h, c]] = (m as LSTM).forward(packed, [x.narrow(0, 0, 2), x.narrow(0, 1, 2).mul(0.5)]);
      return weightedSum(padPackedSequence(out)[0], 1).add(weightedSum(h, 2)).add(weightedSum(c, 3));
    },
  },
  {
    name: 'GRU bidirectional, initial state from the input',
    kind: 'gru',
    inputShape: [4, 2, 3],
    build: () => new GRU({ inputSize: 3, hiddenSize: 3, bidirectional: true }),
    loss: (m, x) => {
      const [y, h] = (m as GRU).forward(x, x.narrow(0, 1, 2));
      return weightedSum(y, 1).add(weightedSum(h, 2));
    },
  },
  {
    // G7: without b_hh the GRU sequence op once returned a bias gradient for a missing input.
    name: 'GRU without bias, 2 layers, bidirectional, batch-first, initial state from the input',
    kind: 'gru',
    inputShape: [3, 4, 4],
    build: () => new GRU({ inputSize: 4, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true, bias: false }),
    loss: (m, x) => {
      // x [B 3, T 4, 4] read as [L·D 4, B 3, H 4].
      const [y, h] = (m as GRU).forward(x, x.transpose(0, 1).mul(0.5));
      return weightedSum(y, 1).add(weightedSum(h, 2));
    },
  },
  {
    name: 'RNN tanh 2 layers, bidirectional, packed',
    kind: 'rnn',
    inputShape: [6, 3, 2],
    build: () => new RNN({ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true }),
    loss: (m, x) => {
      const [out, h] = (m as RNN).forward(packPaddedSequence(x, [3, 6, 1], { enforceSorted: false }));
      return weightedSum(padPackedSequence(out)[0], 1).add(weightedSum(h, 2));
    },
  },
  {
    name: 'RNN relu, initial state from the input',
    kind: 'rnn',
    inputShape: [5, 4, 3],
    build: () => new RNN({ inputSize: 3, hiddenSize: 3, nonlinearity: 'relu' }),
    loss: (m, x) => {
      const [y, h] = (m as RNN).forward(x, x.narrow(0, 2, 1));
      return weightedSum(y, 1).add(weightedSum(h, 2));
    },
  },
  {
    // Batch 11 of hidden 40 spans several workgroups of a whole-sequence GPU kernel.
    name: 'LSTM batch 11, hidden 40, packed, bidirectional, initial states from the input',
    kind: 'lstm',
    inputShape: [6, 11, 40],
    build: () => new LSTM({ inputSize: 40, hiddenSize: 40, bidirectional: true }),
    loss: (m, x) => {
      const packed = packPaddedSequence(x, [6, 2, 5, 1, 6, 3, 4, 6, 2, 1, 5], { enforceSorted: false });
      const [out, [h, c]] = (m as LSTM).forward(packed, [x.narrow(0, 0, 2).mul(0.5), x.narrow(0, 2, 2).mul(0.5)]);
      return weightedSum(padPackedSequence(out)[0], 1).add(weightedSum(h, 2)).add(weightedSum(c, 3));
    },
  },
  {
    name: 'GRU batch 9, hidden 33, packed, bidirectional, initial state from the input',
    kind: 'gru',
    inputShape: [5, 9, 33],
    build: () => new GRU({ inputSize: 33, hiddenSize: 33, bidirectional: true }),
    loss: (m, x) => {
      const packed = packPaddedSequence(x, [5, 1, 3, 5, 2, 4, 1, 5, 3], { enforceSorted: false });
      const [out, h] = (m as GRU).forward(packed, x.narrow(0, 0, 2).mul(0.5));
      return weightedSum(padPackedSequence(out)[0], 1).add(weightedSum(h, 2));
    },
  },
  {
    name: 'RNN relu batch 10, hidden 36, packed, bidirectional, initial state from the input',
    kind: 'rnn',
    inputShape: [4, 10, 36],
    build: () => new RNN({ inputSize: 36, hiddenSize: 36, nonlinearity: 'relu', bidirectional: true }),
    loss: (m, x) => {
      const packed = packPaddedSequence(x, [4, 2, 1, 4, 3, 1, 2, 4, 3, 2], { enforceSorted: false });
      const [out, h] = (m as RNN).forward(packed, x.narrow(0, 0, 2).mul(0.5));
      return weightedSum(padPackedSequence(out)[0], 1).add(weightedSum(h, 2));
    },
  },
];

/** Register vitest tests proving the backend's fused kernels ≡ the composed ops. */
export function describeFusedConformance(name: string, createBackend: () => BackendV1 | Promise<BackendV1>): void {
  describe(`${name}: fused ≡ composed`, () => {
    it('provides the fused cell kernels', async () => {
      registerBackend(createBackend, { name });
      const backend = await useBackend(name);
      expect(
        backend.fused?.lstmCell && backend.fused.lstmCellBackward && backend.fused.gruCell && backend.fused.gruCellBackward,
      ).toBeTruthy();
    });

    it.each(CASES)('$name: loss, input and parameter gradients', async (c) => {
      registerBackend(createBackend, { name });
      await useBackend(name);
      const before = memory().numBuffers;
      const fused = await valuesAndGrads(c, true);
      const composed = await valuesAndGrads(c, false);
      expect(fused.length).toBe(composed.length);
      fused.forEach((values, k) => {
        expect(values.length).toBe(composed[k]!.length);
        values.forEach((v, i) => {
          const e = composed[k]![i]!;
          if (!(Math.abs(v - e) <= 1e-6 + 1e-5 * Math.abs(e))) {
            throw new Error(`${c.name}: tensor ${k} element ${i}: fused ${v}, composed ${e}`);
          }
        });
      });
      expect(memory().numBuffers).toBe(before);
    });
  });
}
