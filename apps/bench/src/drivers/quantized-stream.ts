// W9: W6's LSTM step (B 1, (h, c) carried from the previous call) with the weights float32, int8
// (@recur/export's quantizeDynamic: per-row scales, the backend's int8 kernel) or float16
// storage, so the three rows of one run compare the storage dtypes on the same machine.

import { LSTM } from '@recur/cells';
import { quantizeDynamic } from '@recur/export';
import { memory, noGrad, randn, scope, zeros, type Tensor } from '@recur/tensor';
import type { CaseShape, Iteration } from '../protocol.js';

export async function prepareQuantizedStream(shape: Extract<CaseShape, { kind: 'quantized-stream-step' }>): Promise<Iteration> {
  const float = new LSTM({ inputSize: shape.inputSize, hiddenSize: shape.hiddenSize, numLayers: shape.layers });
  float.eval();
  const model = shape.dtype === 'float32' ? float : await quantizeDynamic(float, { dtype: shape.dtype });
  const x = randn([1, 1, shape.inputSize]);
  let h: Tensor = zeros([shape.layers, 1, shape.hiddenSize]);
  let c: Tensor = zeros([shape.layers, 1, shape.hiddenSize]);
  return {
    liveTensors: () => memory().numTensors,
    run: async () => {
      const [output, nextH, nextC] = noGrad(() =>
        scope(() => {
          const [out, [hN, cN]] = model.forward(x, [h, c]);
          return [out, hN, cN] as const;
        }),
      );
      h.dispose();
      c.dispose();
      h = nextH;
      c = nextC;
      await output.data();
      output.dispose();
    },
    dispose: () => {
      for (const item of [model, x, h, c]) item.dispose();
    },
  };
}
