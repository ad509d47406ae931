import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { manualSeed, randn, type Tensor } from '@recur/tensor';
import { STEP_FEATURES } from './stream-data.js';
import { StreamModel } from './stream-model.js';
import { exportStreamOnnx } from './stream-onnx.js';

const ortTensor = (t: Tensor) =>
  new ort.Tensor(
    t.dtype === 'int32' ? 'int32' : 'float32',
    t.dtype === 'int32' ? Int32Array.from(t.dataSync()) : Float32Array.from(t.dataSync()),
    [...t.shape],
  );

describe('the stream forecaster in ONNX', () => {
  it("onnxruntime-node gives Recur's logits and next state (1e-5) from a given state", async () => {
    manualSeed(9);
    const model = new StreamModel({ hiddenSize: 5, numLayers: 2 }).eval();
    const ids = randn([2, 6, STEP_FEATURES]);
    const h0 = randn([2, 2, 5]);
    const c0 = randn([2, 2, 5]);
    const [logits, [hN, cN]] = model.forward(ids, [h0, c0]);
    const session = await ort.InferenceSession.create(await exportStreamOnnx(model));
    const result = await session.run({ steps: ortTensor(ids), h0: ortTensor(h0), c0: ortTensor(c0) });
    await session.release();
    for (const [name, expected] of [
      ['corrections', logits],
      ['h_n', hN],
      ['c_n', cN],
    ] as const) {
      expect(result[name]!.dims).toEqual(expected.shape);
      const want = expected.dataSync();
      Array.from(result[name]!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5));
    }
  });
});
