import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@recur/backend-cpu';
import {
  Dropout,
  Embedding,
  GRU,
  GRUCell,
  LayerNorm,
  LayerNormLSTM,
  Linear,
  LSTM,
  LSTMCell,
  LSTMModel,
  Module,
  RNN,
  RNNCell,
  Sequential,
  SequenceTagger,
  SimpleRNN,
} from '@recur/cells';
import {
  FormatError,
  manualSeed,
  randn,
  registerBackend,
  serializeSafetensors,
  tensor,
  useBackend,
  zeros,
  type Tensor,
} from '@recur/tensor';
import { loadModel, saveModel } from '../node.js';
import { ModelFileError } from './errors.js';
import { describeModel, parseModel, serializeModel } from './model-file.js';
import { registerModelType } from './registry.js';

let folder: string;
beforeAll(async () => {
  registerBackend(createCpuBackend, { name: 'cpu' });
  await useBackend('cpu');
  folder = mkdtempSync(join(tmpdir(), 'recur-model-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const weightsOf = (module: Module) => Object.fromEntries(Object.entries(module.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));
const first = (out: Tensor | [Tensor, unknown]) => (Array.isArray(out) ? out[0] : out);

/** A custom module: options of its own, children made by its constructor. */
class Scaled extends Module {
  readonly fc: Linear;
  constructor(readonly options: { size: number; scale: number }) {
    super();
    this.fc = this.registerModule('fc', new Linear({ inFeatures: options.size, outFeatures: options.size }));
  }
  forward(x: Tensor): Tensor {
    return this.fc.forward(x).mul(this.options.scale);
  }
}

describe('saveModel / loadModel', () => {
  const cases: [string, () => Module, () => Tensor][] = [
    ['Linear', () => new Linear({ inFeatures: 3, outFeatures: 2, bias: false }), () => randn([4, 3])],
    ['Embedding', () => new Embedding({ numEmbeddings: 6, embeddingDim: 3, paddingIdx: 2 }), () => tensor([[1, 5]], { dtype: 'int32' })],
    ['LayerNorm', () => new LayerNorm({ normalizedShape: [2, 3], eps: 1e-3, bias: false }), () => randn([4, 2, 3])],
    [
      'Sequential',
      () =>
        new Sequential(
          new Linear({ inFeatures: 3, outFeatures: 4 }),
          new Dropout({ p: 0.2 }),
          new LayerNorm({ normalizedShape: 4 }),
          new Sequential(new Linear({ inFeatures: 4, outFeatures: 1 })),
        ),
      () => randn([2, 3]),
    ],
    ['RNN', () => new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', numLayers: 2, residual: true }), () => randn([5, 2, 3])],
    [
      'LSTM',
      () => new LSTM({ inputSize: 3, hiddenSize: 4, projSize: 2, bidirectional: true, batchFirst: true, dropout: 0.1 }),
      () => randn([2, 5, 3]),
    ],
    ['GRU', () => new GRU({ inputSize: 3, hiddenSize: 4, bias: false }), () => randn([5, 2, 3])],
    ['RNNCell', () => new RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu' }), () => randn([2, 3])],
    ['LSTMCell', () => new LSTMCell({ inputSize: 3, hiddenSize: 4 }), () => randn([2, 3])],
    ['GRUCell', () => new GRUCell({ inputSize: 3, hiddenSize: 4, bias: false }), () => randn([2, 3])],
    ['LayerNormLSTM', () => new LayerNormLSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, layerNormEps: 1e-4 }), () => randn([5, 2, 3])],
    ['SimpleRNN', () => new SimpleRNN({ inputSize: 3, hiddenSize: 4, outputSize: 2, nonlinearity: 'relu' }), () => randn([2, 5, 3])],
    ['LSTMModel', () => new LSTMModel({ inputSize: 3, hiddenSize: 4, outputSize: 1, numLayers: 2 }), () => randn([2, 5, 3])],
    [
      'SequenceTagger',
      () => new SequenceTagger({ vocabSize: 9, embeddingDim: 3, hiddenSize: 4, numClasses: 2, paddingIdx: 0 }),
      () => tensor([[1, 2, 0]], { dtype: 'int32' }),
    ],
  ];
  for (const [label, make, input] of cases) {
    it(`${label} loads without its code: same type, options, weights and outputs`, async () => {
      manualSeed(20);
      const original = make().eval();
      const path = join(folder, `${label}.safetensors`);
      await saveModel(path, original);
      manualSeed(21);
      const loaded = (await loadModel(path)).eval();
      expect(loaded.constructor).toBe(original.constructor);
      expect(describeModel(loaded)).toEqual(describeModel(original));
      expect(weightsOf(loaded)).toEqual(weightsOf(original));
      const x = input();
      const forward = (m: Module) =>
        Array.from(first((m as unknown as { forward(x: Tensor): Tensor | [Tensor, unknown] }).forward(x)).dataSync());
      expect(forward(loaded)).toEqual(forward(original));
    });
  }

  it('writes atomically: no temporary file is left, and a second save replaces the first', async () => {
    const path = join(folder, 'twice.safetensors');
    await saveModel(path, new Linear({ inFeatures: 2, outFeatures: 2 }));
    await saveModel(path, new Linear({ inFeatures: 3, outFeatures: 1 }));
    expect(((await loadModel(path)) as Linear).inFeatures).toBe(3);
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a custom module loads once its type is registered', async () => {
    const model = new Scaled({ size: 3, scale: 2 });
    await expect(serializeModel(model)).rejects.toThrow(/register it with registerModelType/);
    const bytes = await (async () => {
      registerModelType('Scaled', Scaled, { options: (m) => ({ ...m.options }) });
      return serializeModel(new Sequential(model, new Linear({ inFeatures: 3, outFeatures: 1 })));
    })();
    const loaded = parseModel(bytes) as Sequential;
    expect(loaded.at(0)).toBeInstanceOf(Scaled);
    expect((loaded.at(0) as Scaled).options).toEqual({ size: 3, scale: 2 });
    const x = randn([2, 3]);
    expect(Array.from(loaded.forward(x).dataSync())).toEqual(Array.from(new Sequential(model, loaded.at(1)).forward(x).dataSync()));
  });

  describe('refuses bad files with a typed error naming what was expected', () => {
    const fileWith = (meta: Record<string, string>, tensors: Record<string, Tensor>) => serializeSafetensors(tensors, meta);
    const linearTree = JSON.stringify({ type: 'Linear', options: { inFeatures: 2, outFeatures: 1, bias: true } });
    const meta = (model: string) => ({ format: 'recur-model', version: '1', model });
    const good = () => ({ weight: zeros([1, 2]), bias: zeros([1]) });
    const cases: [string, () => Promise<Uint8Array>, string, RegExp][] = [
      ['a plain safetensors file', () => fileWith({}, good()), 'metadata', /expected metadata format 'recur-model'; got none/],
      [
        'another version',
        () => fileWith({ ...meta(linearTree), version: '9' }, good()),
        'metadata',
        /expected format version 1 or 2; got '9'/,
      ],
      ['a tree that is not JSON', () => fileWith(meta('{"type":'), good()), 'metadata', /not JSON/],
      [
        'a node without options',
        () => fileWith(meta('{"type":"Linear"}'), good()),
        'metadata',
        /expected \{ type: string, options: object/,
      ],
      [
        'an unknown type',
        () => fileWith(meta('{"type":"Transformer","options":{}}'), good()),
        'unknown-module',
        /unknown module type 'Transformer'/,
      ],
      [
        'a prototype name as type',
        () => fileWith(meta('{"type":"constructor","options":{}}'), good()),
        'unknown-module',
        /unknown module type/,
      ],
      [
        'options the module refuses',
        () => fileWith(meta('{"type":"Linear","options":{"inFeatures":-2,"outFeatures":1}}'), good()),
        'options',
        /Linear refused the file's options: .*non-negative integer/,
      ],
      [
        'an unknown option',
        () => fileWith(meta('{"type":"Linear","options":{"inFeatures":2,"outFeatures":1,"fused":true}}'), good()),
        'options',
        /fused/,
      ],
      [
        'a size no weight could hold',
        () => fileWith(meta('{"type":"LSTM","options":{"inputSize":2,"hiddenSize":100000000}}'), good()),
        'options',
        /larger than the file's weights allow/,
      ],
      ['a missing weight', () => fileWith(meta(linearTree), { weight: zeros([1, 2]) }), 'missing', /no weights for bias/],
      ['an extra weight', () => fileWith(meta(linearTree), { ...good(), extra: zeros([1]) }), 'unexpected', /does not have: extra/],
      [
        'a wrong shape',
        () => fileWith(meta(linearTree), { weight: zeros([2, 2]), bias: zeros([1]) }),
        'shape',
        /'weight' expected shape \[1,2\]; the file has \[2,2\]/,
      ],
      [
        'int weights',
        () => fileWith(meta(linearTree), { weight: zeros([1, 2], { dtype: 'int32' }), bias: zeros([1]) }),
        'dtype',
        /expected dtype F32 \(weights stored as float32\); got I32/,
      ],
      [
        'containers nested too deep',
        () => {
          let tree = linearTree;
          for (let i = 0; i < 100; i++) tree = `{"type":"Sequential","options":{},"children":{"0":${tree}}}`;
          return fileWith(meta(tree), good());
        },
        'metadata',
        /nested deeper than 64/,
      ],
      // Found by the fuzz test: both overflowed the stack (a RangeError) before they were checked.
      [
        'options nested thousands deep',
        () =>
          fileWith(meta(`{"type":"Linear","options":{"inFeatures":2,"outFeatures":1,"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`), good()),
        'options',
        /options nested deeper than 8/,
      ],
      [
        'a tree that is an array nested thousands deep',
        () => fileWith(meta(`${'['.repeat(20000)}${']'.repeat(20000)}`), good()),
        'metadata',
        /expected \{ type: string, options: object, children\? \}; got an array/,
      ],
      [
        'a Sequential without children',
        () => fileWith(meta('{"type":"Sequential","options":{}}'), good()),
        'metadata',
        /needs its children/,
      ],
    ];
    for (const [label, file, reason, message] of cases) {
      it(label, async () => {
        const bytes = await file();
        let caught: unknown;
        try {
          parseModel(bytes);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(ModelFileError);
        expect(caught).toBeInstanceOf(FormatError);
        expect((caught as ModelFileError).reason).toBe(reason);
        expect((caught as Error).message).toMatch(message);
      });
    }

    it('a missing file or truncated bytes: FormatError naming the path', async () => {
      await expect(loadModel(join(folder, 'none.safetensors'))).rejects.toThrow(/none\.safetensors: cannot read the file/);
      const path = join(folder, 'cut.safetensors');
      writeFileSync(path, (await serializeModel(new Linear({ inFeatures: 2, outFeatures: 2 }))).subarray(0, 40));
      await expect(loadModel(path)).rejects.toThrow(FormatError);
    });
  });
});
