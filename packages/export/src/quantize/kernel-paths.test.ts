// The two ways a quantised module runs — the backend's quantised kernels, and the fallback that
// dequantises for the call — agree: exactly for lookups and dequantisation, and within the int16
// activation rounding of the CPU's integer dot products for the linear and recurrent layers.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Embedding, GRU, Linear, LSTM, RNN, type Module } from '@recur/cells';
import { getBackend, manualSeed, noGrad, randn, randint, type Tensor } from '@recur/tensor';
import { quantizeModule } from './quantize-dynamic.js';
import { maxAbs, maxAbsDiff } from './test-support.js';

let backend: { quantized?: unknown };
let kernels: unknown;
beforeAll(() => {
  backend = getBackend() as { quantized?: unknown };
  kernels = backend.quantized;
});
const withoutKernels = <T>(fn: () => T): T => {
  backend.quantized = undefined;
  try {
    return fn();
  } finally {
    backend.quantized = kernels;
  }
};
afterEach(() => {
  backend.quantized = kernels;
});

describe('quantised kernels ≡ dequantise-then-float fallback', () => {
  it('has the CPU kernels under test', () => {
    expect(kernels).toBeDefined();
  });

  it.each(['int8', 'float16'] as const)('Embedding lookups are identical (%s)', async (dtype) => {
    manualSeed(2);
    const twin = await quantizeModule(new Embedding({ numEmbeddings: 50, embeddingDim: 13 }), { dtype });
    const ids = randint(0, 50, [4, 7], { dtype: 'int32' });
    const fast = twin.forward(ids);
    const slow = withoutKernels(() => twin.forward(ids));
    expect(await maxAbsDiff(fast, slow)).toBe(0);
    expect(() => twin.forward(randint(50, 51, [1], { dtype: 'int32' }))).toThrow(/QuantizedEmbedding\(numEmbeddings=50\)/);
  });

  it.each(['int8', 'float16'] as const)('Linear agrees within the int16 activation rounding (%s)', async (dtype) => {
    manualSeed(4);
    const twin = await quantizeModule(new Linear({ inFeatures: 300, outFeatures: 40 }), { dtype });
    const x = randn([6, 300]);
    const fast = twin.forward(x);
    const slow = withoutKernels(() => twin.forward(x));
    expect(await maxAbsDiff(fast, slow)).toBeLessThan(1e-4 * (await maxAbs(slow)));
  });

  it.each([
    ['LSTM', () => new LSTM({ inputSize: 5, hiddenSize: 24, numLayers: 2, bidirectional: true, batchFirst: true })],
    ['GRU', () => new GRU({ inputSize: 5, hiddenSize: 24, numLayers: 2, bidirectional: true, batchFirst: true })],
    ['RNN', () => new RNN({ inputSize: 5, hiddenSize: 24, numLayers: 2, residual: true })],
    ['projected LSTM', () => new LSTM({ inputSize: 5, hiddenSize: 24, projSize: 7 })],
    ['float16 LSTM', () => new LSTM({ inputSize: 5, hiddenSize: 24, numLayers: 2, bidirectional: true })],
  ])('%s: the quantised scan agrees with the float layer on dequantised weights', async (name, make) => {
    manualSeed(6);
    const layer = (make() as Module as LSTM).eval();
    const twin = await quantizeModule(layer, { dtype: name.startsWith('float16') ? 'float16' : 'int8' });
    const x = randn([3, 9, 5]);
    const run = (): Tensor[] =>
      noGrad(() => {
        const [y, state] = twin.forward(x);
        return [y as Tensor, ...(Array.isArray(state) ? state : [state])];
      });
    const fast = run();
    const slow = withoutKernels(run);
    for (let i = 0; i < fast.length; i++)
      expect(await maxAbsDiff(fast[i]!, slow[i]!)).toBeLessThan(1e-4 * Math.max(1, await maxAbs(slow[i]!)));
  });
});
