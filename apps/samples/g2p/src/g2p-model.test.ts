import { describe, expect, it } from 'vitest';
import { manualSeed } from '@recur/tensor';
import { G2P_DEFAULTS, checkG2pConfig } from './g2p-config.js';
import { letterBatch } from './g2p-decode.js';
import { G2pModel } from './g2p-model.js';

describe('the BiLSTM encoder hands both directions over to the decoder', () => {
  it("the decoder's first (h, c) is [forward after the last letter; backward after the first], of size H", () => {
    manualSeed(11);
    const H = 6;
    const model = new G2pModel({
      letters: 10,
      phonemes: 7,
      embeddingDim: 4,
      hiddenSize: H,
      attention: 'dot',
      dropout: 0,
      bidirectional: true,
    });
    model.eval();
    const sources = [Int32Array.of(2, 3, 4, 5), Int32Array.of(6, 7), Int32Array.of(8, 9, 2)];
    const { letters, lengths } = letterBatch(sources);
    const { memory, state } = model.encode(letters, lengths);
    expect(memory.keys.shape).toEqual([3, 4, H]);
    expect(state.h.shape).toEqual([3, H]);
    expect(state.c.shape).toEqual([3, H]);
    const keys = memory.keys.toArraySync() as number[][][];
    const h = state.h.toArraySync() as number[][];
    lengths.forEach((length, b) => {
      // Forward half: the state after the word's own last letter (padding never read).
      keys[b]![length - 1]!.slice(0, H / 2).forEach((v, i) => expect(h[b]![i]).toBeCloseTo(v, 6));
      // Backward half: the state after reading back to the first letter.
      keys[b]![0]!.slice(H / 2).forEach((v, i) => expect(h[b]![H / 2 + i]).toBeCloseTo(v, 6));
      // Padding positions of the keys are zeros, so attention's context never mixes them in.
      for (let s = length; s < 4; s++) expect(keys[b]![s]!.every((v) => v === 0)).toBe(true);
    });
    [letters, memory.keys, memory.maskBias, state.h, state.c, state.feed].forEach((t) => t.dispose());
    model.dispose();
  });

  it('an odd hiddenSize cannot be split between two directions: the config check says so', () => {
    expect(checkG2pConfig({ ...G2P_DEFAULTS, bidirectional: true, hiddenSize: 127 })).toMatch(/"hiddenSize" must be even .* got 127/);
    expect(checkG2pConfig({ ...G2P_DEFAULTS, bidirectional: false, hiddenSize: 127 })).toBeNull();
    expect(checkG2pConfig({ ...G2P_DEFAULTS, bidirectional: 'yes' as unknown as boolean })).toMatch(
      /"bidirectional" must be true or false/,
    );
  });
});
