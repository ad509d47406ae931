import { describe, expect, it } from 'vitest';
import { packPaddedSequence } from '@recur/sequence';
import { ShapeError, ValueError, manualSeed, memory, noGrad, ones, randn, scope, zeros } from '@recur/tensor';
import { GRU, LSTM, RNN } from './layers.js';
import { GRUCell, LSTMCell, RNNCell } from './cells.js';

describe('recurrent layers: PyTorch names, shapes and defaults', () => {
  it('names parameters as PyTorch does, layer by layer and direction by direction', () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 2 });
    expect(Object.keys(lstm.stateDict())).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_hr_l0',
      'weight_ih_l0_reverse',
      'weight_hh_l0_reverse',
      'bias_ih_l0_reverse',
      'bias_hh_l0_reverse',
      'weight_hr_l0_reverse',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
      'weight_hr_l1',
      'weight_ih_l1_reverse',
      'weight_hh_l1_reverse',
      'bias_ih_l1_reverse',
      'bias_hh_l1_reverse',
      'weight_hr_l1_reverse',
    ]);
    const sd = lstm.stateDict();
    expect(sd.weight_ih_l0!.shape).toEqual([16, 3]);
    expect(sd.weight_hh_l0!.shape).toEqual([16, 2]);
    expect(sd.weight_hr_l0!.shape).toEqual([2, 4]);
    expect(sd.weight_ih_l1!.shape).toEqual([16, 4]);
    expect(Object.keys(new GRU({ inputSize: 2, hiddenSize: 3, bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
  });

  it('initialises every parameter in U(-1/√H, 1/√H)', () => {
    manualSeed(3);
    const gru = new GRU({ inputSize: 5, hiddenSize: 16 });
    for (const p of gru.parameters()) {
      const values = Array.from(p.dataSync());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.2);
    }
  });

  it('gives PyTorch output and state shapes for every layout', () => {
    scope(() => {
      const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true });
      const [y, [h, c]] = lstm.forward(randn([7, 2, 3]));
      expect(y.shape).toEqual([7, 2, 8]);
      expect(h.shape).toEqual([4, 2, 4]);
      expect(c.shape).toEqual([4, 2, 4]);
      const gru = new GRU({ inputSize: 3, hiddenSize: 5, batchFirst: true });
      const [yb, hb] = gru.forward(randn([2, 7, 3]));
      expect(yb.shape).toEqual([2, 7, 5]);
      expect(hb.shape).toEqual([1, 2, 5]);
      const rnn = new RNN({ inputSize: 3, hiddenSize: 5, nonlinearity: 'relu' });
      const [yu, hu] = rnn.forward(randn([7, 3]));
      expect(yu.shape).toEqual([7, 5]);
      expect(hu.shape).toEqual([1, 5]);
      for (const m of [lstm, gru, rnn]) m.dispose();
    });
  });

  it('h_n holds the last step of the forward direction and the first of the reverse', () => {
    scope(() => {
      const gru = new GRU({ inputSize: 2, hiddenSize: 3, bidirectional: true });
      const [y, h] = gru.forward(randn([5, 2, 2]));
      expect(h.select(0, 0).toArraySync()).toEqual(y.select(0, 4).narrow(1, 0, 3).toArraySync());
      expect(h.select(0, 1).toArraySync()).toEqual(y.select(0, 0).narrow(1, 3, 3).toArraySync());
      gru.dispose();
    });
  });

  it('a packed batch gives the same result per sequence as running each sequence alone', () => {
    scope(() => {
      manualSeed(5);
      const lstm = new LSTM({ inputSize: 2, hiddenSize: 3 });
      const x = randn([4, 2, 2]);
      const [, [hPacked]] = lstm.forward(packPaddedSequence(x, [2, 4], { enforceSorted: false }));
      const [, [hAlone]] = lstm.forward(x.narrow(0, 0, 2).narrow(1, 0, 1));
      const a = hPacked.select(1, 0).dataSync();
      const b = hAlone.select(1, 0).dataSync();
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
      lstm.dispose();
    });
  });

  it('dropout between layers acts in training mode only', () => {
    scope(() => {
      const gru = new GRU({ inputSize: 3, hiddenSize: 8, numLayers: 2, dropout: 0.5 });
      const x = randn([4, 2, 3]);
      const evalOut = gru.eval().forward(x)[0].dataSync();
      expect(Array.from(gru.eval().forward(x)[0].dataSync())).toEqual(Array.from(evalOut));
      manualSeed(1);
      const trainOut = gru.train().forward(x)[0].dataSync();
      expect(Array.from(trainOut)).not.toEqual(Array.from(evalOut));
      gru.dispose();
    });
  });
});

describe('recurrent layers: bad input gives typed errors naming expected vs actual', () => {
  const lstm = () => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 });

  it('wrong feature size', () => {
    expect(() => lstm().forward(zeros([5, 2, 4]))).toThrow(ShapeError);
    expect(() => lstm().forward(zeros([5, 2, 4]))).toThrow('LSTM: expected input [seq, batch, 3] or unbatched [seq, 3]; got [5,2,4]');
  });

  it('h0 / c0 of the wrong shape', () => {
    expect(() => lstm().forward(zeros([5, 2, 3]), [zeros([1, 2, 4]), zeros([2, 2, 4])])).toThrow(
      'LSTM: expected h0 of shape [2,2,4]; got [1,2,4]',
    );
    expect(() => lstm().forward(zeros([5, 2, 3]), [zeros([2, 2, 4]), zeros([2, 3, 4])])).toThrow(
      'LSTM: expected c0 of shape [2,2,4]; got [2,3,4]',
    );
    expect(() => new GRU({ inputSize: 3, hiddenSize: 4 }).forward(zeros([5, 2, 3]), zeros([1, 2, 5]))).toThrow(ShapeError);
  });

  it('a PackedSequence to a cell', () => {
    const packed = packPaddedSequence(zeros([3, 2, 3]), [3, 2]);
    expect(() => new LSTMCell({ inputSize: 3, hiddenSize: 4 }).forward(packed as never)).toThrow(
      /LSTMCell: expected a Tensor \[batch, 3\] or \[3\]; got a PackedSequence/,
    );
    expect(() => new GRUCell({ inputSize: 3, hiddenSize: 4 }).forward(zeros([2, 5]))).toThrow(
      'GRUCell: expected input [batch, 3] or [3]; got [2,5]',
    );
    expect(() => new RNNCell({ inputSize: 3, hiddenSize: 4 }).forward(zeros([2, 3]), zeros([3, 4]))).toThrow(
      'RNNCell: expected hx of shape [2,4]; got [3,4]',
    );
  });

  it('invalid options', () => {
    expect(() => new LSTM({ inputSize: 3, hiddenSize: 4, projSize: 4 })).toThrow(ValueError);
    expect(() => new GRU({ inputSize: 3, hiddenSize: 0 })).toThrow(ValueError);
    expect(() => new RNN({ inputSize: 3, hiddenSize: 2, dropout: 2 })).toThrow(ValueError);
    expect(() => new RNN({ inputSize: 3, hiddenSize: 2, nonlinearity: 'gelu' as never })).toThrow(ValueError);
  });
});

describe('training memory', () => {
  it('1000 training steps of a small LSTM keep memory() flat', () => {
    manualSeed(0);
    const lstm = new LSTM({ inputSize: 2, hiddenSize: 4 });
    const x = randn([5, 3, 2]);
    const target = ones([3, 4]);
    let start = memory();
    for (let step = 0; step < 1000; step++) {
      scope(() => {
        const [, [h]] = lstm.forward(x);
        const loss = h.select(0, 0).sub(target).square().mean();
        loss.backward();
        noGrad(() => {
          for (const p of lstm.parameters()) p.assign(p.sub(p.grad!.mul(0.01)));
        });
        lstm.zeroGrad();
      });
      if (step === 0) start = memory();
    }
    const end = memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numBytes).toBe(start.numBytes);
    lstm.dispose();
  }, 120_000);
});
