import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { manualSeed, randn } from '@recur/tensor';
import { highwaySize, STEP_FEATURES } from './births-data.js';
import { BirthsModel } from './births-model.js';
import { exportBirthsOnnx } from './births-onnx.js';

describe('the births forecaster in ONNX', () => {
  for (const members of [1, 3]) {
    it(`${members} member(s): onnxruntime-node gives Recur's corrections (1e-5)`, async () => {
      manualSeed(8);
      const [lookback, horizon] = [14, 7];
      const model = new BirthsModel({ hiddenSize: 6, numLayers: 2, lookback, horizon, dropout: 0.2, members }).eval();
      const inputs = randn([4, lookback, STEP_FEATURES]);
      const highway = randn([4, highwaySize(lookback, horizon)]);
      const expected = Array.from(model.forward(inputs, highway).dataSync());
      const session = await ort.InferenceSession.create(await exportBirthsOnnx(model, lookback, horizon));
      const result = await session.run({
        inputs: new ort.Tensor('float32', Float32Array.from(inputs.dataSync()), [...inputs.shape]),
        highway: new ort.Tensor('float32', Float32Array.from(highway.dataSync()), [...highway.shape]),
      });
      await session.release();
      expect(result.corrections!.dims).toEqual([4, horizon]);
      Array.from(result.corrections!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-5));
    });
  }
});
