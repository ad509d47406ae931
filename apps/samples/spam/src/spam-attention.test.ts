// Attention pooling in the spam model: weights are a distribution over each message's real tokens
// (padding gets 0), a message scores the same alone as in a padded batch, old configs keep
// last-state pooling, and the weights are shown as a summary and as terminal shading.

import { describe, expect, it } from 'vitest';
import { fromTypedArray, manualSeed, noGrad } from '@recur/tensor';
import { attentionSummary, colourByAttention, mostAttended } from './spam-attention.js';
import { SPAM_DEFAULTS, checkSpamConfig } from './spam-config.js';
import { SpamClassifier } from './spam-model.js';

describe('attention pooling', () => {
  it('weights sum to 1 over real tokens, padding gets 0, and a batch equals its messages alone', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      manualSeed(1);
      const model = new SpamClassifier({ vocabSize: 30, embeddingDim: 6, hiddenSize: 5, numLayers: 2, cell, pooling: 'attention' });
      const rows = [
        [3, 7, 9, 4, 2],
        [5, 8],
        [11, 12, 13],
      ];
      const ids = fromTypedArray(Int32Array.from(rows.flatMap((r) => [...r, ...Array.from({ length: 5 - r.length }, () => 0)])), [3, 5]);
      const { logits, weights } = noGrad(() => model.forwardWithWeights(ids, Int32Array.from(rows.map((r) => r.length))));
      const w = weights!.toArraySync() as number[][];
      rows.forEach((row, b) => {
        expect(w[b]!.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
        expect(w[b]!.slice(row.length)).toEqual(Array.from({ length: 5 - row.length }, () => 0));
        const alone = noGrad(() =>
          model.forwardWithWeights(fromTypedArray(Int32Array.from(row), [1, row.length]), Int32Array.of(row.length)),
        );
        const [l, a] = [alone.logits.toArraySync() as number[][], alone.weights!.toArraySync() as number[][]];
        l[0]!.forEach((v, k) => expect(v).toBeCloseTo((logits.toArraySync() as number[][])[b]![k]!, 5));
        a[0]!.forEach((v, t) => expect(v).toBeCloseTo(w[b]![t]!, 6));
      });
      expect(Object.keys(model.stateDict())).toEqual(
        expect.arrayContaining(['rnn.weight_ih_l1_reverse', 'attention.key_proj.weight', 'attention.v.weight']),
      );
      expect(model.fc.inFeatures).toBe(10);
    }
  });

  it('last-state pooling is the default and has no weights; configs without pooling stay valid', () => {
    const model = new SpamClassifier({ vocabSize: 10, embeddingDim: 4, hiddenSize: 3, numLayers: 1, cell: 'lstm' });
    expect(model.pooling).toBe('last');
    expect(model.attention).toBeNull();
    const { weights } = noGrad(() => model.forwardWithWeights(fromTypedArray(Int32Array.of(1, 2), [1, 2]), Int32Array.of(2)));
    expect(weights).toBeNull();
    expect(checkSpamConfig({ ...SPAM_DEFAULTS, pooling: 'attention' })).toBeNull();
    const { pooling: _, ...old } = SPAM_DEFAULTS;
    expect(checkSpamConfig(old as typeof SPAM_DEFAULTS)).toBeNull();
    expect(checkSpamConfig({ ...SPAM_DEFAULTS, pooling: 'mean' })).toBe('"pooling" must be "last" or "attention", got "mean"');
  });
});

describe('showing the weights', () => {
  const tokens = [
    { token: 'win', weight: 0.5 },
    { token: 'a', weight: 0.1 },
    { token: 'prize', weight: 0.3 },
    { token: 'now', weight: 0.1 },
  ];

  it('lists the most attended tokens, largest first, ties in reading order', () => {
    expect(mostAttended(tokens, 3).map((t) => t.token)).toEqual(['win', 'prize', 'a']);
    expect(attentionSummary(tokens, 2)).toBe('win 0.50, prize 0.30');
  });

  it('shades each token from white to deep blue by weight / max weight', () => {
    const shaded = colourByAttention(tokens);
    expect(shaded).toContain('\x1b[48;2;8;48;107m\x1b[38;2;255;255;255mwin\x1b[0m');
    expect(shaded).toContain('\x1b[48;2;206;214;225m\x1b[38;2;0;0;0ma\x1b[0m');
    // Without the escape codes it is the text itself.
    expect(
      shaded
        .split('\x1b[')
        .map((part) => part.replace(/^[0-9;]*m/, ''))
        .join(''),
    ).toBe('win a prize now');
  });
});
