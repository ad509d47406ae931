import { describe, expect, it } from 'vitest';
import { crossEntropy } from '@recur/cells';
import { fromTypedArray, manualSeed, memory, noGrad, scope } from '@recur/tensor';
import { decodeBatch, letterBatch } from './g2p-decode.js';
import { G2pModel } from './g2p-model.js';

const BOS = 2;
const EOS = 3;

/** log P(ids + <EOS> | letters) under teacher forcing: what a decoder's score must equal. */
function sequenceLogProb(model: G2pModel, source: Int32Array, ids: readonly number[]): number {
  // In a scope: every tensor made here (the forward's intermediates too) is freed before the
  // return, so none is left for the finalizer to free during a later test's exact count.
  return scope(() => {
    const { letters, lengths } = letterBatch([source]);
    const inputs = fromTypedArray(Int32Array.from([BOS, ...ids]), [1, ids.length + 1]);
    const targets = fromTypedArray(Int32Array.from([...ids, EOS]), [ids.length + 1]);
    const loss = noGrad(() =>
      crossEntropy(model.forward(letters, lengths, inputs).reshape([ids.length + 1, -1]), targets, { reduction: 'sum' }),
    );
    return -loss.itemSync();
  });
}

describe('greedy and beam search', () => {
  it("scores are the sequences' log-probabilities, beams re-order state correctly, nothing leaks", async () => {
    for (const [attention, bidirectional] of [
      ['additive', false],
      ['dot', false],
      ['additive', true],
      ['dot', true],
    ] as const) {
      manualSeed(3);
      const model = new G2pModel({ letters: 12, phonemes: 9, embeddingDim: 8, hiddenSize: 16, attention, dropout: 0, bidirectional });
      model.eval();
      const sources = [Int32Array.of(2, 5, 7), Int32Array.of(4), Int32Array.of(9, 3, 3, 11, 6)];
      const before = memory().numTensors;
      const greedy = await decodeBatch(model, sources, { bosId: BOS, eosId: EOS, beamSize: 1, keepWeights: true });
      const beam = await decodeBatch(model, sources, { bosId: BOS, eosId: EOS, beamSize: 3 });
      expect(memory().numTensors).toBe(before);
      sources.forEach((source, b) => {
        expect(greedy[b]!.score).toBeCloseTo(sequenceLogProb(model, source, greedy[b]!.ids), 4);
        expect(beam[b]!.score).toBeCloseTo(sequenceLogProb(model, source, beam[b]!.ids), 4);
        // Not guaranteed in general (a beam can prune the greedy prefix), but so for these words.
        expect(beam[b]!.score).toBeGreaterThanOrEqual(greedy[b]!.score - 1e-5);
        expect(greedy[b]!.weights).toHaveLength(greedy[b]!.ids.length + 1);
        for (const row of greedy[b]!.weights!) expect(row.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 5);
      });
      model.dispose();
    }
  });
});
