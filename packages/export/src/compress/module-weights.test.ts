import { describe, expect, it } from 'vitest';
import { LSTMModel, SequenceTagger, type Module } from '@recur/cells';
import { FormatError, manualSeed, randn, tensor, type Tensor } from '@recur/tensor';
import { ModelFileError } from '../model-file/errors.js';
import { quantizeDynamic } from '../quantize/quantize-dynamic.js';
import { loadModuleWeights, serializeModuleWeights } from './module-weights.js';
import { globalUnstructured, weightMatrices } from './prune.js';
import { readWeights } from './read-stored-weights.js';

const outputOf = (model: Module, x: Tensor) => Array.from((model as LSTMModel).forward(x).dataSync());

describe('module weights files (quantized trees included)', () => {
  for (const dtype of ['int8', 'float16'] as const) {
    it(`a ${dtype} quantized model round-trips bit for bit, pruned or not`, async () => {
      for (const prune of [0, 0.6]) {
        manualSeed(11);
        const model = new LSTMModel({ inputSize: 6, hiddenSize: 16, outputSize: 3, numLayers: 2 });
        if (prune > 0) globalUnstructured(weightMatrices(model), { amount: prune });
        await quantizeDynamic(model, { dtype });
        const bytes = await serializeModuleWeights(model);
        const stored = readWeights(bytes);
        expect([...stored.quantizedKeys].sort()).toEqual([
          'fc.weight',
          'lstm.weight_hh_l0',
          'lstm.weight_hh_l1',
          'lstm.weight_ih_l0',
          'lstm.weight_ih_l1',
        ]);
        expect(stored.sparse.length).toBe(prune > 0 ? 5 : 0);
        const fresh = new LSTMModel({ inputSize: 6, hiddenSize: 16, outputSize: 3, numLayers: 2 });
        await quantizeDynamic(fresh, { dtype });
        loadModuleWeights(fresh, stored, 'test');
        const x = randn([4, 2, 6]);
        expect(outputOf(fresh, x)).toEqual(outputOf(model, x));
        // Element bytes of the matrices: 1 (int8, plus a 4-byte scale per row) or 2 (float16).
        const entries = 64 * 6 + 64 * 16 * 3 + 3 * 16;
        const rows = 64 * 4 + 3;
        const floats = 4 * (64 * 4 + 3);
        const dense = dtype === 'int8' ? entries + 4 * rows + floats : 2 * entries + floats;
        if (prune === 0) expect(stored.bytes).toBe(dense);
        else expect(stored.bytes).toBeLessThan(dense * (dtype === 'int8' ? 0.75 : 0.6));
      }
    });
  }

  it('an Embedding quantizes and loads too (SequenceTagger)', async () => {
    manualSeed(12);
    const options = { vocabSize: 20, embeddingDim: 4, hiddenSize: 8, numClasses: 3, paddingIdx: 0 };
    const model = await quantizeDynamic(new SequenceTagger(options));
    const fresh = await quantizeDynamic(new SequenceTagger(options));
    loadModuleWeights(fresh, readWeights(await serializeModuleWeights(model)), 'test');
    const ids = tensor([[1, 5, 7, 0]], { dtype: 'int32' });
    expect(Array.from(fresh.forward(ids).dataSync())).toEqual(Array.from(model.forward(ids).dataSync()));
  });

  it('refuses files that do not fit the model with a ModelFileError, changing nothing', async () => {
    manualSeed(13);
    const make = () => new LSTMModel({ inputSize: 3, hiddenSize: 4, outputSize: 2 });
    const int8 = readWeights(await serializeModuleWeights(await quantizeDynamic(make())), { source: 'int8.safetensors' });
    const plain = readWeights(await serializeModuleWeights(make()), { source: 'plain.safetensors' });
    const cases: [string, () => Promise<Module>, typeof int8, string, RegExp][] = [
      ['int8 weights into a float model', async () => make(), int8, 'dtype', /is stored quantized, but the model's is float32/],
      [
        'float weights into an int8 model',
        async () => quantizeDynamic(make()),
        plain,
        'dtype',
        /expected an int8 weight; the file has float32/,
      ],
      [
        'int8 weights into a float16 model',
        async () => quantizeDynamic(make(), { dtype: 'float16' }),
        int8,
        'dtype',
        /expected an? float16 weight; the file has int8/,
      ],
      [
        'another size',
        async () => quantizeDynamic(new LSTMModel({ inputSize: 3, hiddenSize: 5, outputSize: 2 })),
        int8,
        'shape',
        /'lstm.bias_ih_l0' expected shape \[20\]; the file has \[16\]/,
      ],
    ];
    for (const [label, model, stored, reason, message] of cases) {
      const target = await model();
      const before = Object.fromEntries(Object.entries(target.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));
      let caught: unknown;
      try {
        loadModuleWeights(target, stored, 'file');
      } catch (error) {
        caught = error;
      }
      expect([label, caught]).toEqual([label, expect.any(ModelFileError)]);
      expect(caught).toBeInstanceOf(FormatError);
      expect([label, (caught as ModelFileError).reason]).toEqual([label, reason]);
      expect((caught as Error).message).toMatch(message);
      expect(Object.fromEntries(Object.entries(target.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]))).toEqual(before);
    }
  });
});
