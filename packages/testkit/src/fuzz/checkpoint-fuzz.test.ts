// Fuzz the checkpoint loader: seeded mutations of real checkpoints (the state JSON's structure
// and text, the whole file's bytes) must load — after which training goes on without error —
// or throw FormatError leaving model, optimizer, scheduler and generator exactly as they were.

import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import { Linear } from '@recur/cells';
import { Adam, CHECKPOINT_FORMAT, ExponentialLR, LinearLR, SequentialLR, decodeCheckpoint, encodeCheckpoint } from '@recur/optim';
import { FormatError, Generator, rand, registerBackend, scope, tensor, useBackend } from '@recur/tensor';
import { fuzz, fuzzRuns, fuzzSeed, fuzzTimeout, formatFailures, mutateBytes, mutateJson, type FuzzCase } from './index.js';
import type { FuzzRandom } from './random.js';

const runs = fuzzRuns(5000);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function setup() {
  const model = new Linear({ inFeatures: 3, outFeatures: 2 });
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const warmup = new LinearLR(optimizer, { startFactor: 0.5, totalIters: 2 });
  const decay = new ExponentialLR(optimizer, { gamma: 0.9 });
  const scheduler = new SequentialLR(optimizer, { schedulers: [warmup, decay], milestones: [2] });
  return { model, optimizer, scheduler, generator: new Generator(3) };
}

type Parts = ReturnType<typeof setup>;

function train(parts: Parts, steps: number): void {
  for (let i = 0; i < steps; i++) {
    scope(() => {
      parts.model.forward(rand([4, 3], { generator: parts.generator })).square().sum().backward();
      parts.optimizer.step();
      parts.optimizer.zeroGrad();
      parts.scheduler.step();
    });
  }
}

/** Everything a load may change, as text. */
function snapshot(parts: Parts): string {
  const optimizer = parts.optimizer.stateDict();
  return JSON.stringify({
    weights: Object.values(parts.model.stateDict()).map((t) => Array.from(t.dataSync())),
    state: Object.values(optimizer.state).map((entry) =>
      Object.entries(entry).map(([name, value]) => [name, typeof value === 'number' ? value : Array.from(value.dataSync())]),
    ),
    groups: optimizer.param_groups,
    scheduler: parts.scheduler.stateDict(),
    generator: parts.generator.getState(),
  });
}

function split(file: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(decoder.decode(file.subarray(8, 8 + length))) as Record<string, unknown>, data: file.subarray(8 + length) };
}

/** The same file with another state JSON text in its metadata. */
function withState(file: Uint8Array, state: string): Uint8Array {
  const { header, data } = split(file);
  header.__metadata__ = { ...(header.__metadata__ as object), [CHECKPOINT_FORMAT]: state };
  const json = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

let corpus: Uint8Array[] = [];
let target: Parts;

beforeAll(async () => {
  registerBackend(createCpuBackend, { name: 'cpu' });
  await useBackend('cpu');
  const source = setup();
  train(source, 1);
  const early = await encodeCheckpoint({ ...source, extra: { epoch: 1 } });
  train(source, 3);
  const late = await encodeCheckpoint({ ...source, extra: { epoch: 4, note: 'x' } });
  corpus = [early, late];
  target = setup();
});

function generate(rng: FuzzRandom): FuzzCase<Uint8Array> {
  const seed = rng.pick(corpus);
  const mode = rng.below(10);
  const state = (split(seed).header.__metadata__ as Record<string, string>)[CHECKPOINT_FORMAT]!;
  if (mode < 5) {
    const mutated = mutateJson(state, rng);
    if (mutated) return { input: withState(seed, mutated.text), mutations: ['state-json', ...mutated.applied] };
  }
  if (mode < 7) {
    const { bytes, applied } = mutateBytes(encoder.encode(state), rng);
    return { input: withState(seed, decoder.decode(bytes)), mutations: ['state-text', ...applied] };
  }
  const { bytes, applied } = mutateBytes(seed, rng, { corpus });
  return { input: bytes, mutations: ['bytes', ...applied] };
}

describe('checkpoint fuzz', () => {
  it(`${runs} seeded mutations each load (and training continues) or throw FormatError changing nothing`, async () => {
    const report = await fuzz({
      name: 'checkpoint',
      runs,
      seed: fuzzSeed(),
      generate,
      load: (bytes) => {
        const before = snapshot(target);
        try {
          decodeCheckpoint(bytes, target);
        } catch (error) {
          if (snapshot(target) !== before) throw new Error(`half-restored after ${String(error)}`, { cause: error });
          throw error;
        }
        try {
          train(target, 1);
          scope(() => tensor([1]).add(rand([1], { generator: target.generator })).dataSync());
        } catch (error) {
          throw new Error(`training after a successful load failed: ${String(error)}`, { cause: error });
        }
      },
      accept: (error) => error instanceof FormatError,
    });
    expect(report.failures, formatFailures(report)).toEqual([]);
    expect(report.loaded).toBeGreaterThan(runs / 100);
    expect(report.refused).toBeGreaterThan(runs / 2);
  }, fuzzTimeout(runs));
});
