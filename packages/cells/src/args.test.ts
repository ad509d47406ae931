// Hostile arguments from plain JavaScript: a null or non-tensor state dict, an array as h0, a
// misspelt module or loss option are typed errors naming what came, never a TypeError or silence.

import { describe, expect, it } from 'vitest';
import { FormatError, RecurError, ValueError, randn, tensor, zeros } from '@recur/tensor';
import { Dropout, Embedding, LayerNorm, Linear } from './modules/index.js';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from './rnn/index.js';
import { LSTMModel, SequenceTagger, SimpleRNN } from './models/index.js';
import { bceWithLogits, crossEntropy, huberLoss, mseLoss, nllLoss } from './losses/index.js';

const loose = <T>(value: unknown): T => value as T;

describe('loadStateDict checks its argument', () => {
  it('null, arrays and numbers are a FormatError, not a TypeError', () => {
    const linear = new Linear({ inFeatures: 2, outFeatures: 1 });
    for (const bad of [null, undefined, 3, [linear.weight]]) {
      expect(() => linear.loadStateDict(loose(bad))).toThrow(FormatError);
    }
    expect(() => linear.loadStateDict(loose(null))).toThrow('loadStateDict: expected a state dict { [key]: Tensor }; got null');
  });

  it('a non-tensor value is a FormatError naming its key, and nothing is written', () => {
    const linear = new Linear({ inFeatures: 2, outFeatures: 1 });
    const before = Array.from(linear.weight.dataSync());
    const dict = { weight: zeros([1, 2]), bias: loose([0.5]) };
    expect(() => linear.loadStateDict(loose(dict))).toThrow(FormatError);
    expect(() => linear.loadStateDict(loose(dict))).toThrow("'bias' is [0.5]");
    expect(Array.from(linear.weight.dataSync())).toEqual(before);
    expect(() => linear.loadStateDict(linear.stateDict(), loose({ strick: false }))).toThrow(/unknown option 'strick'/);
  });
});

describe('recurrent layers check the initial state', () => {
  it('an array as h0 is a ValueError', () => {
    const x = randn([3, 2, 4]);
    const gru = new GRU({ inputSize: 4, hiddenSize: 5 });
    const h0 = zeros([1, 2, 5]);
    expect(() => gru.forward(x, loose([h0]))).toThrow(ValueError);
    expect(() => gru.forward(x, loose([h0]))).toThrow(/GRU: h0 must be a Tensor of shape \[1,2,5\]; got \[…\]/);
    expect(() => new RNN({ inputSize: 4, hiddenSize: 5 }).forward(x, loose([[0]]))).toThrow(ValueError);
    expect(gru.forward(x, h0)[1].shape).toEqual([1, 2, 5]);
  });

  it('an LSTM state that is not a pair [h0, c0] is a ValueError, not a silent zero state', () => {
    const x = randn([3, 2, 4]);
    const lstm = new LSTM({ inputSize: 4, hiddenSize: 5 });
    expect(() => lstm.forward(x, loose(zeros([1, 2, 5])))).toThrow(/LSTM: the state must be a pair \[h0, c0\]/);
    expect(() => lstm.forward(x, loose([zeros([1, 2, 5]), [0]]))).toThrow(/LSTM: c0 must be a Tensor/);
  });
});

describe('unknown option keys are a ValueError in every module and loss', () => {
  it('modules', () => {
    expect(() => new Linear(loose({ inFeatures: 2, outFeatures: 1, biass: false }))).toThrow(
      "Linear: unknown option 'biass' (did you mean 'bias'?)",
    );
    expect(() => new Embedding(loose({ numEmbeddings: 3, embeddingDim: 2, padding_idx: 0 }))).toThrow(ValueError);
    expect(() => Embedding.fromPretrained(zeros([3, 2]), loose({ frozen: true }))).toThrow(/did you mean 'freeze'/);
    expect(() => new Dropout(loose({ rate: 0.1 }))).toThrow(ValueError);
    expect(() => new LayerNorm(loose({ normalizedShape: 3, epsilon: 1e-5 }))).toThrow(ValueError);
    expect(() => new LSTM(loose({ inputSize: 2, hiddenSize: 3, batch_first: true }))).toThrow(/LSTM: unknown option 'batch_first'/);
    expect(() => new GRU(loose({ inputSize: 2, hiddenSize: 3, projSize: 1 }))).toThrow(/GRU: unknown option 'projSize'/);
    expect(() => new RNN(loose({ inputSize: 2, hiddenSize: 3, nonlinearity: 'relu', bidirectonal: true }))).toThrow(
      /did you mean 'bidirectional'/,
    );
    expect(() => new RNNCell(loose({ inputSize: 2, hiddenSize: 3, bais: true }))).toThrow(ValueError);
    expect(() => new GRUCell(loose({ inputSize: 2, hiddenSize: 3, nonlinearity: 'relu' }))).toThrow(ValueError);
    expect(() => new LSTMModel(loose({ inputSize: 2, hiddenSize: 3, outputSize: 1, layers: 2 }))).toThrow(ValueError);
    expect(() => new SimpleRNN(loose({ inputSize: 2, hiddenSize: 3, outputSize: 1, x: 1 }))).toThrow(ValueError);
    expect(() => new SequenceTagger(loose({ vocabSize: 5, embeddingDim: 2, hiddenSize: 3, numClasses: 2, dropOut: 0.1 }))).toThrow(
      ValueError,
    );
    expect(new LSTM({ inputSize: 2, hiddenSize: 4, projSize: 3 }).projSize).toBe(3);
    expect(new RNN({ inputSize: 2, hiddenSize: 3, nonlinearity: 'relu' }).nonlinearity).toBe('relu');
  });

  it('losses', () => {
    const logits = randn([2, 3]);
    const target = tensor([0, 2], { dtype: 'int32' });
    expect(() => crossEntropy(logits, target, loose({ ignore_index: 1 }))).toThrow(/crossEntropy: unknown option 'ignore_index'/);
    expect(() => nllLoss(logits, target, loose({ reduce: 'sum' }))).toThrow(/did you mean 'reduction'/);
    expect(() => bceWithLogits(logits, zeros([2, 3]), loose({ pos_weight: 2 }))).toThrow(ValueError);
    expect(() => mseLoss(logits, zeros([2, 3]), loose('sum'))).toThrow(ValueError);
    expect(() => huberLoss(logits, zeros([2, 3]), loose({ beta: 1 }))).toThrow(ValueError);
  });
});

describe('missing options and non-tensor inputs are typed errors (survey of the public constructors)', () => {
  it('constructors called without their required options', () => {
    for (const make of [
      () => new Linear(loose(undefined)),
      () => new Embedding(loose(undefined)),
      () => new LSTM(loose(undefined)),
      () => new GRU(loose(undefined)),
      () => new RNN(loose(null)),
      () => new LSTMCell(loose(undefined)),
      () => new LayerNorm(loose(undefined)),
      () => new LayerNorm(loose({})),
    ]) {
      expect(make).toThrow(RecurError);
    }
  });

  it('forward and losses with something other than a tensor', () => {
    const x = randn([2, 3]);
    expect(() => new Linear({ inFeatures: 3, outFeatures: 2 }).forward(loose([1, 2, 3]))).toThrow(ValueError);
    expect(() => new Embedding({ numEmbeddings: 3, embeddingDim: 2 }).forward(loose(null))).toThrow(ValueError);
    const cell = new LSTMCell({ inputSize: 3, hiddenSize: 2 });
    expect(() => cell.forward(randn([1, 3]), loose('h'))).toThrow(/LSTMCell: the state must be a pair/);
    expect(() => cell.forward(randn([1, 3]), loose([zeros([1, 2]), 1]))).toThrow(/LSTMCell: c0 must be a Tensor/);
    expect(() => new GRUCell({ inputSize: 3, hiddenSize: 2 }).forward(randn([1, 3]), loose([1, 2]))).toThrow(
      /GRUCell: hx must be a Tensor/,
    );
    expect(() => crossEntropy(loose(null), x)).toThrow(ValueError);
    expect(() => crossEntropy(x, loose(1))).toThrow('crossEntropy: target must be a Tensor; got 1');
    expect(() => mseLoss(x, loose(undefined))).toThrow(ValueError);
  });
});
