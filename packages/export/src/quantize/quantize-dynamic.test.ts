import { describe, expect, it } from 'vitest';
import { Embedding, GRU, LayerNorm, Linear, LSTM, LSTMCell, Module, RNN, Sequential } from '@recur/cells';
import { PackedSequence, packPaddedSequence } from '@recur/sequence';
import { ValueError, concat, defaultGenerator, manualSeed, noGrad, randn, tensor, type Tensor } from '@recur/tensor';
import { quantizeDynamic, quantizeModule } from './quantize-dynamic.js';
import { QuantizedLinear } from './quantized-linear.js';
import { QuantizedEmbedding } from './quantized-embedding.js';
import { QuantizedGRU, QuantizedLSTM, QuantizedRNN } from './quantized-recurrent.js';
import { isQuantizedModule } from './quantized-module.js';
import { maxAbs, maxAbsDiff } from './test-support.js';

// int8 weights carry a relative error of at most 1/254 per row (half a step of max|w|/127);
// through one layer that is ~0.5% of the output's scale, through a recurrence a little more.
const INT8_RELATIVE = 0.02;
// float16 keeps 11 significant bits: 2^-11 ≈ 4.9e-4 relative per weight.
const FLOAT16_RELATIVE = 2e-3;

class Tagger extends Module {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly heads: Linear[];
  readonly norm: LayerNorm;
  constructor() {
    super();
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: 20, embeddingDim: 8, paddingIdx: 0 }));
    this.lstm = this.registerModule(
      'lstm',
      new LSTM({ inputSize: 8, hiddenSize: 16, numLayers: 2, batchFirst: true, bidirectional: true }),
    );
    this.norm = this.registerModule('norm', new LayerNorm({ normalizedShape: [32] }));
    this.heads = [this.registerModule('head0', new Linear({ inFeatures: 32, outFeatures: 3 }))];
  }
  forward(ids: Tensor): Tensor {
    const [output] = this.lstm.forward(this.embedding.forward(ids));
    return this.heads[0]!.forward(this.norm.forward(output));
  }
}

describe('quantizeDynamic', () => {
  it.each(['int8', 'float16'] as const)('replaces Linear, Embedding and LSTM in a tree (%s), outputs within tolerance', async (dtype) => {
    manualSeed(3);
    const model = new Tagger().eval();
    const ids = tensor(
      [
        [1, 4, 7, 0],
        [19, 2, 2, 5],
      ],
      { dtype: 'int32' },
    );
    const expected = noGrad(() => model.forward(ids));
    const quantized = await quantizeDynamic(model, { dtype });
    expect(quantized).toBe(model);
    expect(model.embedding).toBeInstanceOf(QuantizedEmbedding);
    expect(model.lstm).toBeInstanceOf(QuantizedLSTM);
    expect(model.lstm).toBeInstanceOf(LSTM); // code asking `instanceof LSTM` keeps working
    expect(model.heads[0]).toBeInstanceOf(QuantizedLinear);
    expect(model.norm).toBeInstanceOf(LayerNorm);
    expect(model.namedChildren().map(([, m]) => isQuantizedModule(m))).toEqual([true, true, false, true]);
    // The float matrices leave the state dict; biases and other modules stay.
    const keys = Object.keys(model.stateDict());
    expect(keys).not.toContain('lstm.weight_ih_l0');
    expect(keys).not.toContain('head0.weight');
    expect(keys).toContain('lstm.bias_hh_l1_reverse');
    expect(keys).toContain('norm.weight');
    const got = noGrad(() => model.forward(ids));
    const tolerance = (dtype === 'int8' ? INT8_RELATIVE : FLOAT16_RELATIVE) * (await maxAbs(expected));
    const error = await maxAbsDiff(got, expected);
    expect(error).toBeLessThan(tolerance);
    expect(error).toBeGreaterThan(0); // it did change the weights
  });

  it('quantises GRU and RNN layers, padded and packed, with an initial state', async () => {
    manualSeed(5);
    for (const layer of [
      new GRU({ inputSize: 6, hiddenSize: 12, numLayers: 2, bidirectional: true }),
      new RNN({ inputSize: 6, hiddenSize: 12, nonlinearity: 'relu' }),
      new LSTM({ inputSize: 6, hiddenSize: 12, projSize: 5 }),
    ]) {
      layer.eval();
      const x = randn([5, 3, 6]);
      const rows = layer.numLayers * layer.numDirections;
      const h0 = randn([rows, 3, layer.outputSize]);
      const c0 = randn([rows, 3, layer.hiddenSize]);
      const packed = packPaddedSequence(x, new Int32Array([5, 2, 4]), { enforceSorted: false });
      const run = (m: Module, input: Tensor | typeof packed): Tensor =>
        noGrad(() => {
          const [y, state] = (m as LSTM).forward(input as Tensor, (m instanceof LSTM ? [h0, c0] : h0) as [Tensor, Tensor]);
          const h = Array.isArray(state) ? state[0] : (state as Tensor);
          const out = y instanceof PackedSequence ? y.data : (y as Tensor);
          return concat([out.flatten(), h.flatten()], 0);
        });
      const expected = [run(layer, x), run(layer, packed)];
      const twin = await quantizeModule(layer);
      expect(twin).toBeInstanceOf(layer instanceof GRU ? QuantizedGRU : layer instanceof RNN ? QuantizedRNN : QuantizedLSTM);
      for (const [i, input] of [x, packed].entries()) {
        const error = await maxAbsDiff(run(twin, input), expected[i]!);
        expect(error).toBeLessThan(INT8_RELATIVE * (await maxAbs(expected[i]!)));
      }
    }
  });

  it('quantises a bare supported module into its twin and leaves the random stream alone', async () => {
    manualSeed(1);
    const linear = new Linear({ inFeatures: 4, outFeatures: 2 });
    const before = defaultGenerator.getState();
    const twin = await quantizeDynamic(linear);
    expect(twin).toBeInstanceOf(QuantizedLinear);
    expect(defaultGenerator.getState()).toEqual(before);
    expect(new QuantizedLinear({ inFeatures: 3, outFeatures: 3, dtype: 'float16' }).weightDType).toBe('float16');
    expect(defaultGenerator.getState()).toEqual(before);
  });

  it('only replaces the types asked for', async () => {
    const model = new Sequential(new Linear({ inFeatures: 4, outFeatures: 4 }), new Embedding({ numEmbeddings: 3, embeddingDim: 2 }));
    await quantizeDynamic(model, { modules: ['Embedding'] });
    expect(model.at(0)).not.toBeInstanceOf(QuantizedLinear);
    expect(model.at(1)).toBeInstanceOf(QuantizedEmbedding);
  });

  it('refuses bad input with typed errors that name it', async () => {
    const model = new Sequential(new LayerNorm({ normalizedShape: [4] }));
    await expect(quantizeDynamic(model)).rejects.toThrow(/nothing to quantise in Sequential.*found Sequential, LayerNorm/);
    await expect(quantizeDynamic(model, { modules: ['LSTMCell' as never] })).rejects.toThrow(ValueError);
    await expect(quantizeDynamic(model, { modules: ['LSTMCell' as never] })).rejects.toThrow(/cannot quantise 'LSTMCell' modules/);
    await expect(quantizeDynamic(model, { dtype: 'int4' as never })).rejects.toThrow(/dtype must be 'int8' or 'float16'; got 'int4'/);
    await expect(quantizeDynamic(model, { inplace: true } as never)).rejects.toThrow(/unknown option 'inplace'/);
    await expect(quantizeModule(new LSTMCell({ inputSize: 2, hiddenSize: 2 }))).rejects.toThrow(/cannot quantise a LSTMCell/);
    await expect(quantizeDynamic({} as Module)).rejects.toThrow(/expected a Module/);
    const twin = await quantizeModule(new Linear({ inFeatures: 2, outFeatures: 2 }));
    await expect(quantizeModule(twin)).rejects.toThrow(/QuantizedLinear is already quantised/);
    expect(() => twin.forward(randn([3, 5]))).toThrow(/expected input of shape \[\.\.\., 2\].*got \[3,5\]/);
  });
});
