// The seed ensemble and dropout: the ensemble's probabilities are its members' mean, its attention
// weights still sum to 1, members start from different weights, dropout is the identity in eval
// mode and changes training outputs, and the config rejects bad values by name.

import { describe, expect, it } from 'vitest';
import { fromTypedArray, manualSeed, noGrad, softmax } from '@recur/tensor';
import { SPAM_DEFAULTS, checkSpamConfig } from './spam-config.js';
import { SpamEnsemble } from './spam-ensemble.js';
import { SpamClassifier } from './spam-model.js';

const rows = [
  [3, 7, 9, 4, 2],
  [5, 8, 0, 0, 0],
];
const ids = () => fromTypedArray(Int32Array.from(rows.flat()), [2, 5]);
const lengths = Int32Array.of(5, 2);

describe('seed ensemble', () => {
  it("predicts the mean of its members' probabilities, as logits log p", () => {
    manualSeed(3);
    const model = new SpamEnsemble({ vocabSize: 20, embeddingDim: 4, hiddenSize: 3, numLayers: 1, cell: 'gru', pooling: 'attention' }, 3);
    model.eval();
    const members = noGrad(() => model.forwardMembers(ids(), lengths).map((z) => softmax(z, -1).toArraySync() as number[][]));
    // Independently initialised: the members disagree.
    expect(members[0]![0]![1]).not.toBeCloseTo(members[1]![0]![1]!, 6);
    const { logits, weights } = noGrad(() => model.forwardWithWeights(ids(), lengths));
    const p = (logits.toArraySync() as number[][]).map((row) => row.map(Math.exp));
    p.forEach((row, b) => {
      row.forEach((v, k) => expect(v).toBeCloseTo((members[0]![b]![k]! + members[1]![b]![k]! + members[2]![b]![k]!) / 3, 6));
      expect(row[0]! + row[1]!).toBeCloseTo(1, 6);
    });
    const w = weights!.toArraySync() as number[][];
    expect(w[0]!.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    expect(w[1]!.slice(2)).toEqual([0, 0, 0]);
    expect(Object.keys(model.stateDict())).toEqual(expect.arrayContaining(['member0.fc.weight', 'member2.rnn.weight_hh_l0']));
  });

  it('needs at least two members', () => {
    expect(() => new SpamEnsemble({ vocabSize: 5, embeddingDim: 2, hiddenSize: 2, numLayers: 1, cell: 'lstm' }, 1)).toThrow(
      'SpamEnsemble: members must be an integer of at least 2 (one member is a SpamClassifier); got 1',
    );
  });
});

describe('dropout', () => {
  it('is the identity in eval mode and perturbs training outputs; it adds no weights', () => {
    manualSeed(4);
    const plain = new SpamClassifier({ vocabSize: 20, embeddingDim: 8, hiddenSize: 6, numLayers: 1, cell: 'lstm' });
    const dropped = new SpamClassifier({ vocabSize: 20, embeddingDim: 8, hiddenSize: 6, numLayers: 1, cell: 'lstm', dropout: 0.5 });
    expect(Object.keys(dropped.stateDict())).toEqual(Object.keys(plain.stateDict()));
    dropped.loadStateDict(plain.stateDict());
    const run = (m: SpamClassifier) => noGrad(() => m.forward(ids(), lengths).toArraySync() as number[][]);
    plain.eval();
    dropped.eval();
    expect(run(dropped)).toEqual(run(plain));
    dropped.train();
    const trained = run(dropped);
    expect(trained.flat().some((v, i) => Math.abs(v - run(plain).flat()[i]!) > 1e-6)).toBe(true);
  });

  it('the config checks dropout, members and restoreBest, and accepts configs saved before them', () => {
    expect(checkSpamConfig({ ...SPAM_DEFAULTS, dropout: 1 })).toBe('"dropout" must be in [0, 1), got 1');
    expect(checkSpamConfig({ ...SPAM_DEFAULTS, members: 0 })).toBe('"members" must be a positive integer, got 0');
    expect(checkSpamConfig({ ...SPAM_DEFAULTS, restoreBest: 'yes' as unknown as boolean })).toBe(
      '"restoreBest" must be true or false, got "yes"',
    );
    const { dropout: _d, members: _m, restoreBest: _r, ...old } = SPAM_DEFAULTS;
    expect(checkSpamConfig(old as typeof SPAM_DEFAULTS)).toBeNull();
  });
});
