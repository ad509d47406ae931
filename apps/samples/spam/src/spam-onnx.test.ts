import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { manualSeed, randint, tensor } from '@recur/tensor';
import { SpamClassifier } from './spam-model.js';
import { exportSpamOnnx } from './spam-onnx.js';

describe('the spam classifier in ONNX', () => {
  for (const [cell, pooling] of [
    ['lstm', 'last'],
    ['gru', 'last'],
    ['lstm', 'attention'],
    ['gru', 'attention'],
  ] as const) {
    it(`${cell}, ${pooling} pooling: onnxruntime-node gives Recur's logits (1e-5) for padded messages of different lengths`, async () => {
      manualSeed(7);
      const model = new SpamClassifier({ vocabSize: 30, embeddingDim: 4, hiddenSize: 5, numLayers: 2, cell, pooling }).eval();
      const lengths = Int32Array.from([6, 2, 4]);
      const ids = randint(1, 30, [3, 6], { dtype: 'int32' });
      const padded = tensor(
        Array.from(ids.dataSync(), (v, i) => (i % 6 < lengths[Math.floor(i / 6)]! ? v : 0)),
        { dtype: 'int32' },
      ).reshape([3, 6]);
      const expected = Array.from(model.forward(padded, lengths).dataSync());
      const session = await ort.InferenceSession.create(await exportSpamOnnx(model));
      const result = await session.run({
        ids: new ort.Tensor('int32', Int32Array.from(padded.dataSync()), [3, 6]),
        lengths: new ort.Tensor('int32', lengths, [3]),
      });
      await session.release();
      expect(result.logits!.dims).toEqual([3, 2]);
      Array.from(result.logits!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-5));
    });
  }
});
