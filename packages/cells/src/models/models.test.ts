import { describe, expect, it } from 'vitest';
import { manualSeed, memory, noGrad, randn, scope, tensor } from '@recur/tensor';
import { LSTMModel } from './lstm-model.js';
import { SequenceTagger } from './sequence-tagger.js';
import { SimpleRNN } from './simple-rnn.js';

describe("the seed's three reference models", () => {
  it('SimpleRNN classifies from the last time step with PyTorch keys', () => {
    manualSeed(0);
    const model = new SimpleRNN({ inputSize: 3, hiddenSize: 8, outputSize: 2 });
    expect(Object.keys(model.stateDict())).toEqual([
      'rnn.weight_ih_l0',
      'rnn.weight_hh_l0',
      'rnn.bias_ih_l0',
      'rnn.bias_hh_l0',
      'fc.weight',
      'fc.bias',
    ]);
    scope(() => {
      const x = randn([4, 6, 3]);
      const y = model.forward(x);
      expect(y.shape).toEqual([4, 2]);
      // Only the last step matters: the classifier equals fc applied to rnn's last output.
      const [out] = model.rnn.forward(x);
      expect(Array.from(y.dataSync())).toEqual(Array.from(model.fc.forward(out.select(1, 5)).dataSync()));
    });
    model.dispose();
  });

  it('LSTMModel stacks numLayers LSTMs from zero (h0, c0) and trains', () => {
    manualSeed(1);
    const model = new LSTMModel({ inputSize: 2, hiddenSize: 6, outputSize: 1, numLayers: 2 });
    expect(model.lstm.numLayers).toBe(2);
    const x = randn([8, 5, 2]);
    const target = x.sum({ axis: [1, 2] }).unsqueeze(1);
    const losses: number[] = [];
    const before = memory().numBuffers;
    for (let step = 0; step < 30; step++) {
      losses.push(
        scope(() => {
          const loss = model.forward(x).sub(target).square().mean();
          loss.backward();
          noGrad(() => model.parameters().forEach((p) => p.assign(p.sub(p.grad!.mul(0.05)))));
          model.zeroGrad();
          return loss.itemSync();
        }),
      );
    }
    expect(losses[29]!).toBeLessThan(losses[0]! * 0.5);
    expect(memory().numBuffers).toBe(before);
    model.dispose();
  });

  it('SequenceTagger emits hidden·2 features per step and fc.bias at packed padding', () => {
    manualSeed(2);
    const tagger = new SequenceTagger({ vocabSize: 10, embeddingDim: 4, hiddenSize: 5, numClasses: 3, paddingIdx: 0 });
    expect(tagger.fc.inFeatures).toBe(10);
    scope(() => {
      const tokens = tensor(
        [
          [1, 2, 3],
          [4, 5, 0],
        ],
        { dtype: 'int32' },
      );
      const { lstmOutput, logits } = tagger.forwardWithIntermediates(tokens, [3, 2]);
      expect(lstmOutput.shape).toEqual([2, 3, 10]);
      expect(logits.shape).toEqual([2, 3, 3]);
      expect(Array.from(lstmOutput.select(0, 1).select(0, 2).dataSync())).toEqual(new Array(10).fill(0));
      expect(Array.from(logits.select(0, 1).select(0, 2).dataSync())).toEqual(Array.from(tagger.fc.bias!.dataSync()));
      expect(tagger.forward(tokens).shape).toEqual([2, 3, 3]);
    });
    tagger.dispose();
  });
});
