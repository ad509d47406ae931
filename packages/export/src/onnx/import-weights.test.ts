import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createCpuBackend } from '@recur/backend-cpu';
import { GRU, GRUCell, Linear, LSTM, LSTMCell, LSTMModel, Module, RNN, RNNCell, SequenceTagger, SimpleRNN } from '@recur/cells';
import { FormatError, manualSeed, registerBackend, tensor, useBackend, type Tensor } from '@recur/tensor';
import { exportOnnx } from './export-onnx.js';
import { importOnnxWeights } from './import-weights.js';

beforeAll(async () => {
  registerBackend(createCpuBackend, { name: 'cpu' });
  await useBackend('cpu');
});

const weightsOf = (module: Module) => Object.fromEntries(Object.entries(module.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));
const testData = (name: string) => new Uint8Array(readFileSync(new URL(`../../test-data/${name}`, import.meta.url)));

/** A bidirectional GRU (time first) with a Linear on every step, as in make-torch-onnx.py. */
class EveryStep extends Module {
  readonly gru = this.registerModule('gru', new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true }));
  readonly fc = this.registerModule('fc', new Linear({ inFeatures: 8, outFeatures: 2 }));
  forward(x: Tensor): Tensor {
    return this.fc.forward(this.gru.forward(x)[0]);
  }
}

describe('importOnnxWeights', () => {
  const cases: [string, () => Module, (number | string)[], 'float32' | 'int32'][] = [
    [
      'LSTM 2 layers bidirectional',
      () => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true }),
      ['T', 'B', 3],
      'float32',
    ],
    ['GRU', () => new GRU({ inputSize: 3, hiddenSize: 4, batchFirst: true }), ['B', 'T', 3], 'float32'],
    ['RNN relu without bias', () => new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', bias: false }), ['T', 'B', 3], 'float32'],
    ['LSTMCell', () => new LSTMCell({ inputSize: 3, hiddenSize: 4 }), ['B', 3], 'float32'],
    ['GRUCell', () => new GRUCell({ inputSize: 3, hiddenSize: 4 }), ['B', 3], 'float32'],
    [
      'RNNCell relu without bias',
      () => new RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', bias: false }),
      ['B', 3],
      'float32',
    ],
    ['SimpleRNN', () => new SimpleRNN({ inputSize: 2, hiddenSize: 3, outputSize: 2 }), ['B', 'T', 2], 'float32'],
    ['LSTMModel', () => new LSTMModel({ inputSize: 2, hiddenSize: 3, outputSize: 1, numLayers: 2 }), ['B', 'T', 2], 'float32'],
    ['SequenceTagger', () => new SequenceTagger({ vocabSize: 9, embeddingDim: 3, hiddenSize: 4, numClasses: 3 }), ['B', 'T'], 'int32'],
  ];
  for (const [label, make, shape, dtype] of cases) {
    it(`export → import round-trips the weights of ${label}`, async () => {
      manualSeed(10);
      const original = make();
      const bytes = await exportOnnx(original, { inputs: [{ name: 'x', shape, dtype }] });
      manualSeed(11);
      const fresh = make();
      expect(weightsOf(fresh)).not.toEqual(weightsOf(original));
      const result = importOnnxWeights(fresh, bytes);
      expect(result.missing).toEqual([]);
      expect(weightsOf(fresh)).toEqual(weightsOf(original));
    });
  }

  it("imports torch.onnx.export's LSTM + Gemm file and matches PyTorch's outputs", () => {
    const expected = JSON.parse(readFileSync(new URL('../../test-data/torch-lstm-last-step.json', import.meta.url), 'utf8'));
    const model = new LSTMModel({ inputSize: 3, hiddenSize: 4, outputSize: 2, numLayers: 2 }).eval();
    importOnnxWeights(model, testData('torch-lstm-last-step.onnx'));
    const y = model.forward(tensor(expected.input.data).reshape(expected.input.shape));
    expect(y.shape).toEqual(expected.output.shape);
    Array.from(y.dataSync()).forEach((v, i) => expect(Math.abs(v - expected.output.data[i])).toBeLessThan(1e-5));
  });

  it("imports torch.onnx.export's bidirectional GRU + MatMul/Add file and matches PyTorch's outputs", () => {
    const expected = JSON.parse(readFileSync(new URL('../../test-data/torch-gru-every-step.json', import.meta.url), 'utf8'));
    const model = new EveryStep();
    importOnnxWeights(model, testData('torch-gru-every-step.onnx'));
    const y = model.forward(tensor(expected.input.data).reshape(expected.input.shape));
    expect(y.shape).toEqual(expected.output.shape);
    Array.from(y.dataSync()).forEach((v, i) => expect(Math.abs(v - expected.output.data[i])).toBeLessThan(1e-5));
  });

  it('refuses files that do not fit the module, with FormatError, changing nothing', async () => {
    const lstmFile = testData('torch-lstm-last-step.onnx');
    const gru = new EveryStep();
    const before = weightsOf(gru);
    expect(() => importOnnxWeights(gru, lstmFile)).toThrow(FormatError);
    expect(weightsOf(gru)).toEqual(before);
    const wider = new LSTMModel({ inputSize: 3, hiddenSize: 5, outputSize: 2, numLayers: 2 });
    expect(() => importOnnxWeights(wider, lstmFile)).toThrow(/expected shape \[2,5\]|W expected/);
    const oneLayer = new LSTMModel({ inputSize: 3, hiddenSize: 4, outputSize: 2 });
    expect(() => importOnnxWeights(oneLayer, lstmFile)).toThrow(/expected 1 recurrent layers .* the file has 2/);
    expect(() => importOnnxWeights(oneLayer, new Uint8Array([0xff, 0xff, 0xff]))).toThrow(FormatError);
    expect(() => importOnnxWeights(oneLayer, lstmFile.subarray(0, 100))).toThrow(FormatError);
  });
});
