import { describe, expect, it } from 'vitest';
import { LSTMModel, Linear, type Module } from '@recur/cells';
import { FormatError, manualSeed, parseSafetensors, randn, readSafetensorsHeader, serializeSafetensors, zeros } from '@recur/tensor';
import { ModelFileError } from '../model-file/errors.js';
import { parseModel, serializeModel } from '../model-file/model-file.js';
import { fromFloat16Bits, toFloat16Array, toFloat16Bits } from '../quantize/float16.js';
import { globalUnstructured, weightMatrices } from './prune.js';
import { readStoredWeights } from './read-stored-weights.js';
import { serializeEntries } from './stored-weights.js';

const weightsOf = (module: Module) => Object.fromEntries(Object.entries(module.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));

describe('float16', () => {
  it('agrees with the safetensors F16 reader of @recur/tensor', () => {
    const values = [0.333, -1.5, 7e-6, 1234.5];
    const file = serializeEntries(
      { w: { dtype: 'F16', shape: [4], bytes: new Uint8Array(toFloat16Array(Float32Array.from(values)).buffer) } },
      {},
    );
    const read = parseSafetensors(file).tensors.w!;
    expect(Array.from(read.dataSync())).toEqual(values.map((v) => fromFloat16Bits(toFloat16Bits(v))));
  });
});

describe('stored weights in whole-model files', () => {
  it('a pruned model saves sparse, smaller, and loads back with the same weights', async () => {
    manualSeed(3);
    const model = new LSTMModel({ inputSize: 8, hiddenSize: 32, outputSize: 4 });
    const dense = await serializeModel(model);
    globalUnstructured(weightMatrices(model), { amount: 0.7 });
    const sparse = await serializeModel(model);
    const header = readSafetensorsHeader(sparse);
    expect(header.metadata.version).toBe('2');
    expect(Object.keys(JSON.parse(header.metadata.weights!).sparse).sort()).toEqual([
      'fc.weight',
      'lstm.weight_hh_l0',
      'lstm.weight_ih_l0',
    ]);
    const stored = readStoredWeights(sparse, header, 'test');
    // F32 dense: 4 bytes an entry; sparse: 1 bit of mask + 4 bytes per kept entry (30% kept).
    const matrixEntries = 128 * 8 + 128 * 32 + 4 * 32;
    const others = 128 * 2 + 4;
    expect(stored.bytes).toBe(
      Math.ceil((128 * 8) / 8) + Math.ceil((128 * 32) / 8) + Math.ceil((4 * 32) / 8) + 4 * (Math.round(0.3 * matrixEntries) + others),
    );
    expect(sparse.length).toBeLessThan(dense.length * 0.4);
    const loaded = parseModel(sparse);
    expect(weightsOf(loaded)).toEqual(weightsOf(model));
    const x = randn([5, 2, 8]);
    expect(Array.from((loaded as LSTMModel).forward(x).dataSync())).toEqual(Array.from(model.forward(x).dataSync()));
  });

  it('float16 storage halves the weights and loads as their nearest halves; plain models stay version 1', async () => {
    manualSeed(4);
    const model = new Linear({ inFeatures: 6, outFeatures: 3 });
    const plain = await serializeModel(model);
    expect(readSafetensorsHeader(plain).metadata.version).toBe('1');
    expect(readSafetensorsHeader(plain).metadata.weights).toBeUndefined();
    const half = await serializeModel(model, {}, { dtype: 'float16' });
    const stored = readStoredWeights(half, readSafetensorsHeader(half), 'test');
    expect(stored.dtype).toBe('float16');
    expect(stored.bytes).toBe(2 * (18 + 3));
    const loaded = parseModel(half) as Linear;
    const rounded = (values: ArrayLike<number>) => Array.from(values, (v) => fromFloat16Bits(toFloat16Bits(v)));
    expect(Array.from(loaded.weight.dataSync())).toEqual(rounded(model.weight.dataSync()));
    expect(Array.from(loaded.bias!.dataSync())).toEqual(rounded(model.bias!.dataSync()));
  });

  it('a pruned float16 model keeps its zeros and its halves', async () => {
    manualSeed(5);
    const model = new Linear({ inFeatures: 16, outFeatures: 8 });
    globalUnstructured([[model, 'weight']], { amount: 0.5 });
    const loaded = parseModel(await serializeModel(model, {}, { dtype: 'float16' })) as Linear;
    expect(Array.from(loaded.weight.dataSync())).toEqual(Array.from(model.weight.dataSync(), (v) => fromFloat16Bits(toFloat16Bits(v))));
  });

  describe('refuses malformed sparse and float16 files with a ModelFileError', () => {
    const tree = JSON.stringify({ type: 'Linear', options: { inFeatures: 4, outFeatures: 2, bias: false } });
    const meta = (weights: unknown) => ({ format: 'recur-model', version: '2', model: tree, weights: JSON.stringify(weights) });
    const layout = { dtype: 'float32', sparse: { weight: [2, 4] } };
    const mask = (byte: number) => ({ dtype: 'U8', shape: [1], bytes: Uint8Array.of(byte) });
    const floats = (n: number) => ({ dtype: 'F32', shape: [n], bytes: new Uint8Array(4 * n) });
    const cases: [string, () => Uint8Array | Promise<Uint8Array>, string, RegExp][] = [
      ['a layout that is not JSON', () => serializeEntries({}, { ...meta(0), weights: '{' }), 'metadata', /weights layout is not JSON/],
      [
        'an unknown storage dtype',
        () => serializeEntries({}, meta({ dtype: 'int4', sparse: {} })),
        'metadata',
        /expected a weights layout/,
      ],
      [
        'a bad sparse shape',
        () => serializeEntries({}, meta({ dtype: 'float32', sparse: { weight: [-1] } })),
        'metadata',
        /no valid shape/,
      ],
      ['no mask', () => serializeEntries({ 'weight.sparse_values': floats(2) }, meta(layout)), 'missing', /needs 'weight.sparse_mask'/],
      [
        'a mask of the wrong length',
        () =>
          serializeEntries(
            { 'weight.sparse_mask': { ...mask(3), shape: [2], bytes: new Uint8Array(2) }, 'weight.sparse_values': floats(2) },
            meta(layout),
          ),
        'shape',
        /'weight.sparse_mask' expected shape \[1\]; got \[2\]/,
      ],
      [
        'more values than the mask keeps',
        () => serializeEntries({ 'weight.sparse_mask': mask(0b11), 'weight.sparse_values': floats(3) }, meta(layout)),
        'shape',
        /has 3 values but its mask keeps 2/,
      ],
      [
        'fewer values than the mask keeps',
        () => serializeEntries({ 'weight.sparse_mask': mask(0b111), 'weight.sparse_values': floats(2) }, meta(layout)),
        'shape',
        /marks more entries kept than its 2 values/,
      ],
      [
        'values in another dtype than the layout',
        () =>
          serializeEntries(
            { 'weight.sparse_mask': mask(1), 'weight.sparse_values': { dtype: 'F16', shape: [1], bytes: new Uint8Array(2) } },
            meta(layout),
          ),
        'dtype',
        /expected dtype F32; got F16/,
      ],
      [
        'a weight both dense and sparse',
        () => serializeEntries({ weight: floats(8), 'weight.sparse_mask': mask(1), 'weight.sparse_values': floats(1) }, meta(layout)),
        'unexpected',
        /stored both dense and sparse/,
      ],
      [
        'an F32 weight in a float16 file',
        async () => serializeSafetensors({ weight: zeros([2, 4]) }, meta({ dtype: 'float16', sparse: {} })),
        'dtype',
        /'weight' expected dtype F16 \(weights stored as float16\); got F32/,
      ],
      [
        'a layout in a version 1 file',
        async () => serializeSafetensors({ weight: zeros([2, 4]) }, { ...meta({ dtype: 'float32', sparse: {} }), version: '1' }),
        'metadata',
        /version 1 file has no weights layout/,
      ],
    ];
    for (const [label, file, reason, message] of cases) {
      it(label, async () => {
        const bytes = await file();
        let caught: unknown;
        try {
          parseModel(bytes).dispose();
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(ModelFileError);
        expect(caught).toBeInstanceOf(FormatError);
        expect((caught as ModelFileError).reason).toBe(reason);
        expect((caught as Error).message).toMatch(message);
      });
    }
  });
});
