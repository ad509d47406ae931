import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import {
  Dropout,
  Embedding,
  GRU,
  GRUCell,
  LayerNorm,
  Linear,
  LSTM,
  LSTMCell,
  LSTMModel,
  Module,
  RNNCell,
  RNN,
  Sequential,
  SequenceTagger,
  SimpleRNN,
} from '@recur/cells';
import { packPaddedSequence, padPackedSequence } from '@recur/sequence';
import { manualSeed, randn, registerBackend, tensor, useBackend, ValueError, type Tensor } from '@recur/tensor';
import { registerOnnxExporter } from './context.js';
import { exportOnnx } from './export-onnx.js';
import { readOnnxModel } from './read-model.js';
import { expectClose, runOnnx } from '../test-support/ort-check.js';

beforeAll(async () => {
  registerBackend(createCpuBackend, { name: 'cpu' });
  await useBackend('cpu');
});

const floatInput = (name: string, rank: number) => ({
  name,
  shape: ['batch', 'sequence', 'features', 'more'].slice(0, rank - 1).concat(['last']),
});

describe("exportOnnx runs in onnxruntime-node with Recur's outputs (1e-5)", () => {
  it('Linear on [B, in] (Gemm) and on [B, T, in] (MatMul), with and without bias', async () => {
    manualSeed(0);
    for (const bias of [true, false]) {
      const linear = new Linear({ inFeatures: 5, outFeatures: 3, bias });
      for (const shape of [
        [4, 5],
        [2, 6, 5],
      ]) {
        const x = randn(shape);
        const bytes = await exportOnnx(linear, { inputs: [floatInput('x', shape.length)] });
        const out = await runOnnx(bytes, { x });
        await expectClose(out.output!, linear.forward(x));
      }
    }
  });

  it('Embedding (int32 ids) and LayerNorm (affine, no bias, none; two normalised dims)', async () => {
    manualSeed(1);
    const embedding = new Embedding({ numEmbeddings: 7, embeddingDim: 4, paddingIdx: 0 });
    const ids = tensor(
      [
        [1, 2, 0],
        [6, 5, 4],
      ],
      { dtype: 'int32' },
    );
    const bytes = await exportOnnx(embedding, { inputs: [{ name: 'ids', shape: ['batch', 'sequence'], dtype: 'int32' }] });
    await expectClose((await runOnnx(bytes, { ids })).output!, embedding.forward(ids));
    for (const options of [
      { normalizedShape: 6 },
      { normalizedShape: 6, bias: false },
      { normalizedShape: [3, 6], elementwiseAffine: false, eps: 1e-3 },
    ]) {
      const norm = new LayerNorm(options);
      if (norm.weight) norm.loadStateDict({ weight: randn(norm.weight.shape), ...(norm.bias ? { bias: randn(norm.bias.shape) } : {}) });
      const x = randn([2, 3, 6]);
      const exported = await exportOnnx(norm, { inputs: [floatInput('x', 3)] });
      await expectClose((await runOnnx(exported, { x })).output!, norm.forward(x));
    }
  });

  it('Sequential of Linear, Dropout (eval), LayerNorm, Linear', async () => {
    manualSeed(2);
    const model = new Sequential(
      new Linear({ inFeatures: 4, outFeatures: 8 }),
      new Dropout({ p: 0.5 }),
      new LayerNorm({ normalizedShape: 8 }),
      new Linear({ inFeatures: 8, outFeatures: 2 }),
    ).eval();
    const x = randn([3, 4]);
    const bytes = await exportOnnx(model, { inputs: [floatInput('x', 2)] });
    await expectClose((await runOnnx(bytes, { x })).output!, model.forward(x));
  });

  const recurrentCases: [string, () => RNN | LSTM | GRU][] = [
    ['LSTM', () => new LSTM({ inputSize: 3, hiddenSize: 5 })],
    [
      'LSTM 2 layers bidirectional batch-first',
      () => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true }),
    ],
    ['LSTM without bias, residual', () => new LSTM({ inputSize: 3, hiddenSize: 3, numLayers: 2, bias: false, residual: true })],
    ['GRU', () => new GRU({ inputSize: 3, hiddenSize: 5 })],
    ['GRU 3 layers bidirectional', () => new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 3, bidirectional: true })],
    ['RNN tanh batch-first', () => new RNN({ inputSize: 3, hiddenSize: 5, batchFirst: true })],
    [
      'RNN relu 2 layers bidirectional',
      () => new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, nonlinearity: 'relu' }),
    ],
  ];

  for (const [label, make] of recurrentCases) {
    it(`${label}: output and final states, from zeros and from given initial states`, async () => {
      manualSeed(3);
      const layer = make();
      const [B, T] = [2, 6];
      const x = randn(layer.batchFirst ? [B, T, 3] : [T, B, 3]);
      const rows = layer.numLayers * layer.numDirections;
      const h0 = randn([rows, B, layer.hiddenSize]);
      const c0 = randn([rows, B, layer.hiddenSize]);
      const isLstm = layer instanceof LSTM;
      const outputNames = isLstm ? ['output', 'h_n', 'c_n'] : ['output', 'h_n'];
      const xSpec = { name: 'x', shape: layer.batchFirst ? ['batch', 'sequence', 3] : ['sequence', 'batch', 3] };
      const stateSpec = (name: string) => ({ name, shape: [rows, 'batch', layer.hiddenSize] });
      // From zeros (no state inputs).
      const plain = await exportOnnx(layer, { inputs: [xSpec], outputNames });
      const fromZeros = await runOnnx(plain, { x });
      const expectOutputs = async (got: typeof fromZeros, result: [Tensor, Tensor | [Tensor, Tensor]]) => {
        await expectClose(got.output!, result[0]);
        if (isLstm) {
          const [h, c] = result[1] as [Tensor, Tensor];
          await expectClose(got.h_n!, h);
          await expectClose(got.c_n!, c);
        } else {
          await expectClose(got.h_n!, result[1] as Tensor);
        }
      };
      await expectOutputs(fromZeros, isLstm ? (layer as LSTM).forward(x) : (layer as RNN).forward(x));
      // From given states.
      const inputs = isLstm ? [xSpec, stateSpec('h0'), stateSpec('c0')] : [xSpec, stateSpec('h0')];
      const stateful = await exportOnnx(layer, { inputs, outputNames });
      const got = await runOnnx(stateful, isLstm ? { x, h0, c0 } : { x, h0 });
      await expectOutputs(got, isLstm ? (layer as LSTM).forward(x, [h0, c0]) : (layer as RNN).forward(x, h0));
    });
  }

  it('lengths (sequence_lens) compute what a packed batch does: zeros past each end, h_n at each end', async () => {
    manualSeed(6);
    for (const layer of [
      new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true }),
      new GRU({ inputSize: 3, hiddenSize: 4, batchFirst: true, bidirectional: true }),
      new RNN({ inputSize: 3, hiddenSize: 4, batchFirst: true, numLayers: 2 }),
    ]) {
      const lstm = layer instanceof LSTM;
      const x = randn([3, 5, 3]);
      const lengths = tensor([5, 2, 4], { dtype: 'int32' });
      const packed = packPaddedSequence(x, [5, 2, 4], { batchFirst: true, enforceSorted: false });
      const [out, state] = lstm ? (layer as LSTM).forward(packed) : (layer as GRU).forward(packed);
      const [padded] = padPackedSequence(out, { batchFirst: true, totalLength: 5 });
      const inputs = [
        { name: 'x', shape: ['batch', 'sequence', 3] },
        ...(lstm ? [] : []),
        { name: 'lengths', shape: ['batch'], dtype: 'int32' as const },
      ];
      const graphInputs = lstm ? [inputs[0]!, undefined, undefined, inputs[1]!] : [inputs[0]!, undefined, inputs[1]!];
      // The layer takes lengths after its state inputs: a wrapper exporter places them.
      class Wrapped extends Module {
        readonly inner = this.registerModule('inner', layer);
      }
      registerOnnxExporter(Wrapped, (module, [xs, ls], context) =>
        context.call(
          module.inner,
          graphInputs.map((spec) => (spec === undefined ? undefined : spec.name === 'x' ? xs : ls)),
        ),
      );
      const bytes = await exportOnnx(new Wrapped(), { inputs, outputNames: lstm ? ['output', 'h_n', 'c_n'] : ['output', 'h_n'] });
      const got = await runOnnx(bytes, { x, lengths });
      await expectClose(got.output!, padded);
      await expectClose(got.h_n!, lstm ? (state as [Tensor, Tensor])[0] : (state as Tensor));
      if (lstm) await expectClose(got.c_n!, (state as [Tensor, Tensor])[1]);
    }
    const tagger = new SequenceTagger({ vocabSize: 11, embeddingDim: 4, hiddenSize: 5, numClasses: 3, paddingIdx: 0 });
    const tokens = tensor(
      [
        [1, 2, 3, 4],
        [5, 6, 0, 0],
      ],
      { dtype: 'int32' },
    );
    const bytes = await exportOnnx(tagger, {
      inputs: [
        { name: 'tokens', shape: ['batch', 'sequence'], dtype: 'int32' },
        { name: 'lengths', shape: ['batch'], dtype: 'int32' },
      ],
    });
    await expectClose(
      (await runOnnx(bytes, { tokens, lengths: tensor([4, 2], { dtype: 'int32' }) })).output!,
      tagger.forward(tokens, [4, 2]),
    );
  });

  it('RNNCell, LSTMCell and GRUCell: one step, from zeros and from a given state', async () => {
    manualSeed(12);
    const cells = [
      new RNNCell({ inputSize: 3, hiddenSize: 4 }),
      new RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', bias: false }),
      new LSTMCell({ inputSize: 3, hiddenSize: 4 }),
      new GRUCell({ inputSize: 3, hiddenSize: 4 }),
      new GRUCell({ inputSize: 3, hiddenSize: 4, bias: false }),
    ];
    for (const cell of cells) {
      const x = randn([2, 3]);
      const h = randn([2, 4]);
      const c = randn([2, 4]);
      const lstm = cell instanceof LSTMCell;
      const outputNames = lstm ? ['h', 'c'] : ['h'];
      const xSpec = floatInput('x', 2);
      const fromZeros = await runOnnx(await exportOnnx(cell, { inputs: [xSpec], outputNames }), { x });
      const stateSpecs = lstm
        ? [
            { name: 'h0', shape: ['batch', 4] },
            { name: 'c0', shape: ['batch', 4] },
          ]
        : [{ name: 'h0', shape: ['batch', 4] }];
      const fromState = await runOnnx(
        await exportOnnx(cell, { inputs: [xSpec, ...stateSpecs], outputNames }),
        lstm ? { x, h0: h, c0: c } : { x, h0: h },
      );
      if (lstm) {
        const [h1, c1] = (cell as LSTMCell).forward(x);
        await expectClose(fromZeros.h!, h1);
        await expectClose(fromZeros.c!, c1);
        const [h2, c2] = (cell as LSTMCell).forward(x, [h, c]);
        await expectClose(fromState.h!, h2);
        await expectClose(fromState.c!, c2);
      } else {
        await expectClose(fromZeros.h!, (cell as GRUCell).forward(x));
        await expectClose(fromState.h!, (cell as GRUCell).forward(x, h));
      }
    }
  });

  it("the seed's three models", async () => {
    manualSeed(4);
    const x = randn([3, 7, 2]);
    const simple = new SimpleRNN({ inputSize: 2, hiddenSize: 6, outputSize: 3 });
    await expectClose((await runOnnx(await exportOnnx(simple, { inputs: [floatInput('x', 3)] }), { x })).output!, simple.forward(x));
    const lstm = new LSTMModel({ inputSize: 2, hiddenSize: 5, outputSize: 1, numLayers: 2 }).eval();
    await expectClose((await runOnnx(await exportOnnx(lstm, { inputs: [floatInput('x', 3)] }), { x })).output!, lstm.forward(x));
    const tagger = new SequenceTagger({ vocabSize: 11, embeddingDim: 4, hiddenSize: 5, numClasses: 3, paddingIdx: 0 });
    const tokens = tensor(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 10],
      ],
      { dtype: 'int32' },
    );
    const bytes = await exportOnnx(tagger, { inputs: [{ name: 'tokens', shape: ['batch', 'sequence'], dtype: 'int32' }] });
    await expectClose((await runOnnx(bytes, { tokens })).output!, tagger.forward(tokens));
  });

  it('a custom module with activations exports once it registers an exporter', async () => {
    /** GRU encoder → last step → tanh(Linear) → relu, sigmoid and softmax heads added up. */
    class Heads extends Module {
      readonly gru = this.registerModule('gru', new GRU({ inputSize: 3, hiddenSize: 4, batchFirst: true }));
      readonly fc = this.registerModule('fc', new Linear({ inFeatures: 4, outFeatures: 3 }));
      forward(x: Tensor): Tensor {
        const hidden = this.fc.forward(this.gru.forward(x)[0].select(1, -1)).tanh();
        return hidden.relu().add(hidden.sigmoid()).add(hidden.softmax(-1));
      }
    }
    manualSeed(5);
    const model = new Heads();
    const inputs = [floatInput('x', 3)];
    await expect(exportOnnx(model, { inputs })).rejects.toThrow(/no ONNX exporter for Heads .*registerOnnxExporter/);
    registerOnnxExporter(Heads, (module, [x], context) => {
      const g = context.graph;
      const [sequence] = context.call(module.gru, [x]);
      const [projected] = context.call(module.fc, [g.select(sequence!, 1, -1)]);
      const hidden = g.tanh(projected!);
      return [g.add(g.add(g.relu(hidden), g.sigmoid(hidden)), g.softmax(hidden, -1))];
    });
    const x = randn([2, 5, 3]);
    await expectClose((await runOnnx(await exportOnnx(model, { inputs }), { x })).output!, model.forward(x));
  });

  it('a module called twice shares one copy of its weights', async () => {
    class Twice extends Module {
      readonly fc = this.registerModule('fc', new Linear({ inFeatures: 3, outFeatures: 3 }));
      forward(x: Tensor): Tensor {
        return this.fc.forward(this.fc.forward(x).tanh());
      }
    }
    registerOnnxExporter(Twice, (module, [x], context) => context.call(module.fc, [context.graph.tanh(context.call(module.fc, [x])[0]!)]));
    const model = new Twice();
    const x = randn([2, 3]);
    const bytes = await exportOnnx(model, { inputs: [floatInput('x', 2)] });
    expect([...readOnnxModel(bytes).weights.keys()].sort()).toEqual(['fc.bias', 'fc.weight']);
    await expectClose((await runOnnx(bytes, { x })).output!, model.forward(x));
  });

  it('rejects what ONNX cannot express, with typed errors', async () => {
    const projected = new LSTM({ inputSize: 2, hiddenSize: 4, projSize: 2 });
    await expect(exportOnnx(projected, { inputs: [floatInput('x', 3)] })).rejects.toThrow(/projSize 0, got 2/);
    await expect(exportOnnx(new LSTM({ inputSize: 2, hiddenSize: 4 }), { inputs: [floatInput('x', 2)] })).rejects.toThrow(ValueError);
    await expect(exportOnnx(new Linear({ inFeatures: 2, outFeatures: 1 }), { inputs: [] })).rejects.toThrow(ValueError);
    await expect(exportOnnx(new Linear({ inFeatures: 2, outFeatures: 1 }), { inputs: [{ name: 'x', shape: [-1, 2] }] })).rejects.toThrow(
      ValueError,
    );
  });
});
