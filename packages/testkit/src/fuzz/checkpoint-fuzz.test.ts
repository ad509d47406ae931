// Fuzz the checkpoint loader: seeded mutations of real checkpoints (the state JSON's structure
// and text, the whole file's bytes) must load — after which training goes on without error —
// or throw FormatError leaving model, optimizer, scheduler and generator exactly as they were.

import { beforeAll, describe, expect, it } from 'vitest';
import { Linear } from '@recur/cells';
import {
  Adagrad,
  Adam,
  CHECKPOINT_FORMAT,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  LinearLR,
  OneCycleLR,
  RMSprop,
  ReduceLROnPlateau,
  SGD,
  SequentialLR,
  decodeCheckpoint,
  encodeCheckpoint,
  type AnyOptimizer,
} from '@recur/optim';
import { FormatError, Generator, rand, scope, tensor, type Tensor } from '@recur/tensor';
import { fuzz, fuzzRuns, fuzzSeed, fuzzTimeout, formatFailures, mutateBytes, mutateJson, type FuzzCase } from './index.js';
import type { FuzzRandom } from './random.js';

const runs = fuzzRuns(5000);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Optimizer and scheduler pairs whose saved state covers every kind of field. */
const KINDS = {
  adamSequential: (params: Tensor[]) => {
    const optimizer = new Adam(params, { lr: 0.01, amsgrad: true });
    const warmup = new LinearLR(optimizer, { startFactor: 0.5, totalIters: 2 });
    const decay = new ExponentialLR(optimizer, { gamma: 0.9 });
    return { optimizer, scheduler: new SequentialLR(optimizer, { schedulers: [warmup, decay], milestones: [2] }) };
  },
  sgdOneCycle: (params: Tensor[]) => {
    const optimizer = new SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true });
    return { optimizer, scheduler: new OneCycleLR(optimizer, { maxLr: 0.5, totalSteps: 100000, threePhase: true }) };
  },
  rmspropPlateau: (params: Tensor[]) => {
    const optimizer = new RMSprop(params, { lr: 0.01, momentum: 0.5, centered: true });
    return { optimizer, scheduler: new ReduceLROnPlateau(optimizer, { mode: 'max', patience: 1 }) };
  },
  adagradRestarts: (params: Tensor[]) => {
    const optimizer = new Adagrad(params, { lr: 0.1 });
    return { optimizer, scheduler: new CosineAnnealingWarmRestarts(optimizer, { T0: 2, TMult: 2 }) };
  },
} satisfies Record<string, (params: Tensor[]) => { optimizer: AnyOptimizer; scheduler: { step(metric?: number): void } }>;

type Kind = keyof typeof KINDS;

function setup(kind: Kind) {
  const model = new Linear({ inFeatures: 3, outFeatures: 2 });
  return { model, ...KINDS[kind](model.parameters()), generator: new Generator(3) };
}

type Parts = ReturnType<typeof setup>;

function train(parts: Parts, steps: number): void {
  for (let i = 0; i < steps; i++) {
    scope(() => {
      const loss = parts.model
        .forward(rand([4, 3], { generator: parts.generator }))
        .square()
        .sum();
      loss.backward();
      parts.optimizer.step();
      parts.optimizer.zeroGrad();
      parts.scheduler.step(loss.itemSync());
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

const corpus = new Map<Kind, Uint8Array[]>();
const targets = new Map<Kind, Parts>();

beforeAll(async () => {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const source = setup(kind);
    train(source, 1);
    const early = await encodeCheckpoint({ ...source, extra: { epoch: 1 } });
    train(source, 4);
    const late = await encodeCheckpoint({ ...source, extra: { epoch: 5, note: 'x' } });
    corpus.set(kind, [early, late]);
    targets.set(kind, setup(kind));
  }
});

interface CheckpointCase {
  readonly kind: Kind;
  readonly bytes: Uint8Array;
}

function generate(rng: FuzzRandom): FuzzCase<CheckpointCase> {
  const kind = rng.pick([...corpus.keys()]);
  const seeds = corpus.get(kind)!;
  // Mostly this kind's own files; sometimes another kind's, which must be refused cleanly.
  const seed = rng.chance(0.9) ? rng.pick(seeds) : rng.pick([...corpus.values()].flat());
  const at = (input: Uint8Array, mutations: string[]): FuzzCase<CheckpointCase> => ({
    input: { kind, bytes: input },
    mutations: [kind, ...mutations],
  });
  const mode = rng.below(10);
  const state = (split(seed).header.__metadata__ as Record<string, string>)[CHECKPOINT_FORMAT]!;
  if (mode < 5) {
    const mutated = mutateJson(state, rng);
    if (mutated) return at(withState(seed, mutated.text), ['state-json', ...mutated.applied]);
  }
  if (mode < 7) {
    const { bytes, applied } = mutateBytes(encoder.encode(state), rng);
    return at(withState(seed, decoder.decode(bytes)), ['state-text', ...applied]);
  }
  const { bytes, applied } = mutateBytes(seed, rng, { corpus: seeds });
  return at(bytes, ['bytes', ...applied]);
}

describe('checkpoint fuzz', () => {
  it(
    `${runs} seeded mutations each load (and training continues) or throw FormatError changing nothing`,
    async () => {
      const report = await fuzz({
        name: 'checkpoint',
        runs,
        seed: fuzzSeed(),
        generate,
        load: ({ kind, bytes }) => {
          const target = targets.get(kind)!;
          const before = snapshot(target);
          try {
            decodeCheckpoint(bytes, target);
          } catch (error) {
            if (snapshot(target) !== before) throw new Error(`half-restored after ${String(error)}`, { cause: error });
            throw error;
          }
          try {
            train(target, 1);
            scope(() =>
              tensor([1])
                .add(rand([1], { generator: target.generator }))
                .dataSync(),
            );
          } catch (error) {
            throw new Error(`training after a successful load failed: ${String(error)}`, { cause: error });
          }
        },
        accept: (error) => error instanceof FormatError,
        show: ({ kind, bytes }) => `${kind}, ${bytes.length} bytes: ${decoder.decode(bytes.subarray(0, 300))}`,
      });
      expect(report.failures, formatFailures(report)).toEqual([]);
      expect(report.loaded).toBeGreaterThan(runs / 100);
      expect(report.refused).toBeGreaterThan(runs / 2);
    },
    fuzzTimeout(runs),
  );
});
