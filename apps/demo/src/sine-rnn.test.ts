import { describe, expect, it } from 'vitest';
import { manualSeed, memory } from '@recur/tensor';
import { trainSineRnn } from './sine-rnn.js';

describe('demo: vanilla RNN on a sine wave', () => {
  it('the loss falls to a small fraction of its start and memory stays flat', () => {
    manualSeed(0);
    const before = memory();
    const losses = trainSineRnn({ epochs: 40 });
    expect(losses).toHaveLength(40);
    expect(losses[39]!).toBeLessThan(losses[0]! / 4);
    expect(memory().numBuffers).toBe(before.numBuffers);
  });
});
