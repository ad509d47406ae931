// Fuzz the ONNX weight importer with the shared seeded mutation engine: mutated bytes of files
// torch.onnx.export wrote and of Recur's own exports each load into the matching module or throw
// FormatError, never another error, never a hang; a refused file leaves the module unchanged.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import { GRU, Linear, LSTMModel, Module } from '@recur/cells';
import { fuzz, fuzzRuns, fuzzSeed, fuzzTimeout, formatFailures, mutateBytes, type FuzzCase, type FuzzRandom } from '@recur/testkit/fuzz';
import { FormatError, manualSeed, registerBackend, useBackend, type Tensor } from '@recur/tensor';
import { exportOnnx } from './export-onnx.js';
import { importOnnxWeights } from './import-weights.js';

const runs = fuzzRuns(5000);

class EveryStep extends Module {
  readonly gru = this.registerModule('gru', new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true }));
  readonly fc = this.registerModule('fc', new Linear({ inFeatures: 8, outFeatures: 2 }));
  forward(x: Tensor): Tensor {
    return this.fc.forward(this.gru.forward(x)[0]);
  }
}

interface Seed {
  readonly bytes: Uint8Array;
  readonly model: () => Module;
}

let corpus: Seed[] = [];

beforeAll(async () => {
  registerBackend(createCpuBackend, { name: 'cpu' });
  await useBackend('cpu');
  const file = (name: string) => new Uint8Array(readFileSync(new URL(`../../test-data/${name}`, import.meta.url)));
  const lstmModel = () => new LSTMModel({ inputSize: 3, hiddenSize: 4, outputSize: 2, numLayers: 2 });
  manualSeed(40);
  corpus = [
    { bytes: file('torch-lstm-last-step.onnx'), model: lstmModel },
    { bytes: file('torch-gru-every-step.onnx'), model: () => new EveryStep() },
    { bytes: await exportOnnx(lstmModel(), { inputs: [{ name: 'x', shape: ['b', 't', 3] }] }), model: lstmModel },
  ];
});

function generate(rng: FuzzRandom): FuzzCase<{ bytes: Uint8Array; seed: Seed }> {
  const seed = rng.pick(corpus);
  const { bytes, applied } = mutateBytes(seed.bytes, rng, { corpus: corpus.map((c) => c.bytes) });
  return { input: { bytes, seed }, mutations: applied };
}

const weights = (module: Module) => JSON.stringify(Object.values(module.stateDict()).map((t) => Array.from(t.dataSync())));

describe('ONNX weight import fuzz', () => {
  it(
    `${runs} seeded mutations each load or throw FormatError, a refusal changing nothing`,
    async () => {
      const report = await fuzz({
        name: 'onnx import',
        runs,
        seed: fuzzSeed(),
        generate,
        load: ({ bytes, seed }) => {
          const module = seed.model();
          const before = weights(module);
          try {
            importOnnxWeights(module, bytes);
          } catch (error) {
            if (weights(module) !== before) throw new Error('a refused file changed the module', { cause: error });
            throw error;
          } finally {
            module.dispose();
          }
        },
        accept: (error) => error instanceof FormatError,
        show: ({ bytes }) => `${bytes.length} bytes`,
      });
      expect(report.failures, formatFailures(report)).toEqual([]);
      expect(report.refused).toBeGreaterThan(runs / 10);
    },
    fuzzTimeout(runs),
  );
});
