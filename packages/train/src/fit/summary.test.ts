// summary: per-module output shapes on an example input and parameter counts, frozen
// parameters counted as non-trainable, forward restored afterwards, bad input rejected.

import { LSTM, Linear, Module } from '@recur/cells';
import { ValueError, memory, randn, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { summary } from './index.js';

class Tagger extends Module {
  readonly lstm = this.registerModule('lstm', new LSTM({ inputSize: 5, hiddenSize: 6, numLayers: 2, batchFirst: true }));
  readonly head = this.registerModule('head', new Linear({ inFeatures: 6, outFeatures: 3 }));
  forward(x: Tensor): Tensor {
    return this.head.forward(this.lstm.forward(x)[0]);
  }
}

describe('summary', () => {
  it('tabulates output shapes and parameter counts, trainable and not', () => {
    const model = new Tagger();
    model.head.bias!.requiresGrad = false;
    const x = randn([4, 7, 5]);
    const before = memory().numTensors;
    const s = summary(model, x);
    expect(memory().numTensors).toBe(before);
    const lstmParams = 4 * 6 * (5 + 6) + 8 * 6 + 4 * 6 * (6 + 6) + 8 * 6;
    expect(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params, r.trainableParams])).toEqual([
      ['', 'Tagger', '[4, 7, 3]', 0, 0],
      ['lstm', 'LSTM', '[4, 7, 6], ([2, 4, 6], [2, 4, 6])', lstmParams, lstmParams],
      ['head', 'Linear', '[4, 7, 3]', 21, 18],
    ]);
    expect(s.totalParams).toBe(lstmParams + 21);
    expect(s.trainableParams).toBe(lstmParams + 18);
    expect(s.nonTrainableParams).toBe(3);
    const text = s.toString();
    expect(text).toContain('lstm (LSTM)');
    expect(text).toContain(`Total params: ${(lstmParams + 21).toLocaleString('en-US')}`);
    expect(text).toContain('Non-trainable params: 3');
    expect(Object.prototype.hasOwnProperty.call(model.lstm, 'forward')).toBe(false);
    x.dispose();
  });

  it('rejects what it cannot run', () => {
    expect(() => summary({} as never, randn([1]))).toThrow(ValueError);
    expect(() => summary(new Tagger(), 3 as never)).toThrow(
      "summary: exampleInput must be a tensor or an array of forward's arguments; got 3",
    );
  });
});
