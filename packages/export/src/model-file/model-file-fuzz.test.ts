// Fuzz the whole-model file reader with the shared seeded mutation engine: mutated bytes, a
// mutated module tree (JSON structure) and a mutated safetensors header each load — and the
// loaded model holds exactly the file's weights — or throw FormatError; never another error, never
// a hang. RECUR_FUZZ_RUNS=200000 runs a longer search (see the testkit fuzz engine).

import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import { Dropout, LayerNorm, Linear, LSTMModel, Sequential, SequenceTagger, GRU } from '@recur/cells';
import {
  fuzz,
  fuzzRuns,
  fuzzSeed,
  fuzzTimeout,
  formatFailures,
  mutateBytes,
  mutateJson,
  type FuzzCase,
  type FuzzRandom,
} from '@recur/testkit/fuzz';
import { FormatError, manualSeed, readSafetensorsHeader, registerBackend, useBackend, type Tensor } from '@recur/tensor';
import { globalUnstructured, weightMatrices } from '../compress/prune.js';
import { readStoredWeights } from '../compress/read-stored-weights.js';
import { parseModel, serializeModel } from './model-file.js';

const runs = fuzzRuns(5000);
const encoder = new TextEncoder();

interface Seed {
  readonly bytes: Uint8Array;
  readonly tensors: Record<string, Tensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

let corpus: Seed[] = [];

beforeAll(async () => {
  registerBackend(createCpuBackend, { name: 'cpu' });
  await useBackend('cpu');
  manualSeed(30);
  const models = [
    new Sequential(
      new Linear({ inFeatures: 3, outFeatures: 4 }),
      new Dropout({ p: 0.1 }),
      new LayerNorm({ normalizedShape: 4 }),
      new Sequential(new Linear({ inFeatures: 4, outFeatures: 2 })),
    ),
    new LSTMModel({ inputSize: 2, hiddenSize: 3, outputSize: 1, numLayers: 2 }),
    new SequenceTagger({ vocabSize: 7, embeddingDim: 2, hiddenSize: 3, numClasses: 2, paddingIdx: 0 }),
    new GRU({ inputSize: 2, hiddenSize: 2, bidirectional: true, batchFirst: true }),
  ];
  // Version 2 files too: pruned weights stored sparse, and float16 storage.
  const pruned = new LSTMModel({ inputSize: 3, hiddenSize: 4, outputSize: 2 });
  globalUnstructured(weightMatrices(pruned), { amount: 0.6 });
  const files = [
    ...models.map((model) => [model, {}] as const),
    [pruned, {}] as const,
    [pruned, { dtype: 'float16' }] as const,
    [models[2]!, { dtype: 'float16' }] as const,
  ];
  corpus = await Promise.all(
    files.map(async ([model, storage]) => {
      const bytes = await serializeModel(model, {}, storage);
      return { bytes, tensors: model.stateDict(), metadata: readSafetensorsHeader(bytes).metadata };
    }),
  );
});

function headerOf(file: Uint8Array): { header: string; data: Uint8Array } {
  const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return { header: new TextDecoder().decode(file.subarray(8, 8 + length)), data: file.subarray(8 + length) };
}

/** A file from header JSON text and data bytes, with a correct length field. */
function assemble(header: string, data: Uint8Array): Uint8Array {
  const json = encoder.encode(header);
  const file = new Uint8Array(8 + json.length + data.length);
  new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
  file.set(json, 8);
  file.set(data, 8 + json.length);
  return file;
}

function generate(rng: FuzzRandom): FuzzCase<Uint8Array> {
  const seed = rng.pick(corpus);
  const mode = rng.below(10);
  const { header, data } = headerOf(seed.bytes);
  if (mode < 5) {
    // The module tree: wrong types, removed and extra keys, odd numbers, deep nesting…
    const mutated = mutateJson(seed.metadata.model!, rng);
    if (mutated) {
      const parsed = JSON.parse(header) as { __metadata__: Record<string, string> };
      parsed.__metadata__.model = mutated.text;
      return { input: assemble(JSON.stringify(parsed), data), mutations: ['tree', ...mutated.applied] };
    }
  }
  if (mode < 8) {
    const mutated = mutateJson(header, rng);
    if (mutated) return { input: assemble(mutated.text, data), mutations: ['header', ...mutated.applied] };
  }
  const { bytes, applied } = mutateBytes(seed.bytes, rng, { corpus: corpus.map((c) => c.bytes) });
  return { input: bytes, mutations: ['bytes', ...applied] };
}

describe('whole-model file fuzz', () => {
  it(
    `${runs} seeded mutations each load (with exactly the file's weights) or throw FormatError`,
    async () => {
      const report = await fuzz({
        name: 'model file',
        runs,
        seed: fuzzSeed(),
        generate,
        load: (bytes) => {
          const model = parseModel(bytes);
          try {
            const names = Object.keys(readStoredWeights(bytes, readSafetensorsHeader(bytes), 'fuzz').shapes).sort();
            const own = Object.keys(model.stateDict()).sort();
            if (JSON.stringify(names) !== JSON.stringify(own))
              throw new Error(`a loaded model's weights ${own.join(',')} differ from the file's ${names.join(',')}`);
          } finally {
            model.dispose();
          }
        },
        accept: (error) => error instanceof FormatError,
      });
      expect(report.failures, formatFailures(report)).toEqual([]);
      expect(report.loaded).toBeGreaterThan(runs / 100);
      expect(report.refused).toBeGreaterThan(runs / 2);
    },
    fuzzTimeout(runs),
  );
});
