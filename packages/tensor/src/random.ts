// Seeded random tensors from a counter-based generator (Philox4x32-10): a Generator is a key
// (the seed) and a counter; each random tensor consumes ⌈n/4⌉ counter values, so the same seed
// gives the same numbers on every run and every backend.

import { ValueError, randomCounterSpan, type RandomParams } from '@recur/backend';
import { allocTensor, viewOf } from './internal.js';
import { checkCreateOptions, checkShape, resolveBackend, type CreateOptions } from './creation.js';
import { noGrad, scope } from './scope.js';
import { cast } from './ops/elementwise.js';
import type { Tensor } from './tensor.js';

const TWO_32 = 0x100000000;

export class Generator {
  private key: [number, number] = [0, 0];
  private counter = 0;

  constructor(seed = 67280421310721) {
    this.manualSeed(seed);
  }

  /** Restart the stream from `seed` (a non-negative integer below 2^53). */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ValueError(`manualSeed: seed must be a non-negative safe integer; got ${seed}`);
    }
    this.key = [(seed % TWO_32) >>> 0, Math.floor(seed / TWO_32) >>> 0];
    this.counter = 0;
    return this;
  }

  /** Snapshot of the stream position (for checkpoints). */
  getState(): { key: [number, number]; counter: number } {
    return { key: [...this.key], counter: this.counter };
  }
  /** Resume from a `getState()` snapshot; anything else is a ValueError and leaves the stream as it was. */
  setState(state: { key: readonly [number, number]; counter: number }): void {
    Generator.checkState(state);
    this.key = [state.key[0], state.key[1]];
    this.counter = state.counter;
  }

  /** Throw a ValueError unless `state` is `{ key: [uint32, uint32], counter: safe integer ≥ 0 }`. */
  static checkState(state: unknown): asserts state is { key: [number, number]; counter: number } {
    const isUint32 = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0 && (value as number) < TWO_32;
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw new ValueError(
        `Generator.setState: expected { key: [lo, hi], counter }; got ${state === null ? 'null' : Array.isArray(state) ? 'an array' : typeof state}`,
      );
    }
    const { key, counter } = state as { key?: unknown; counter?: unknown };
    if (!Array.isArray(key) || key.length !== 2 || !key.every(isUint32)) {
      const got = Array.isArray(key)
        ? `an array of ${key.length} (${key
            .slice(0, 2)
            .map((k) => (typeof k === 'number' ? String(k) : typeof k))
            .join(', ')})`
        : key === null
          ? 'null'
          : typeof key;
      throw new ValueError(`Generator.setState: key must be two unsigned 32-bit integers [lo, hi]; got ${got}`);
    }
    if (!Number.isSafeInteger(counter) || (counter as number) < 0) {
      throw new ValueError(
        `Generator.setState: counter must be a non-negative safe integer; got ${typeof counter === 'number' ? counter : counter === null ? 'null' : typeof counter}`,
      );
    }
  }

  /** @internal Parameters for the next `size` random elements; advances the counter. */
  next(size: number, distribution: RandomParams['distribution'], a: number, b: number): RandomParams {
    const params: RandomParams = {
      distribution,
      key: this.key,
      counter: [this.counter % TWO_32, Math.floor(this.counter / TWO_32) >>> 0],
      a,
      b,
    };
    this.counter += randomCounterSpan(size);
    return params;
  }
}

/** The default generator, used when no `generator` option is given. */
export const defaultGenerator = new Generator();

/** Reseed the default generator: the same seed gives the same numbers on every backend. */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}

export interface RandomOptions extends CreateOptions {
  readonly generator?: Generator;
}

/** Overwrite t's elements in place with random values (initialisers use this). */
export function fillRandom(t: Tensor, distribution: 'uniform' | 'normal', a: number, b: number, generator = defaultGenerator): Tensor {
  const params = generator.next(t.size, distribution, a, b);
  if (t.size > 0) t.liveStorage('random').backend.random(viewOf(t), params);
  return t;
}

function randomTensor(shape: readonly number[], distribution: 'uniform' | 'normal', a: number, b: number, options: RandomOptions): Tensor {
  const op = distribution === 'uniform' ? 'rand' : 'randn';
  checkCreateOptions(op, options, ['generator']);
  checkShape(op, shape);
  if (options.generator !== undefined && !(options.generator instanceof Generator)) {
    throw new ValueError(`${op}: generator must be a Generator; got ${String(options.generator)}`);
  }
  const t = allocTensor(shape, 'float32', resolveBackend(options.backend), op);
  fillRandom(t, distribution, a, b, options.generator);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Uniform on [0, 1). */
export const rand = (shape: readonly number[], options: RandomOptions = {}): Tensor => randomTensor(shape, 'uniform', 0, 1, options);

/** Standard normal. */
export const randn = (shape: readonly number[], options: RandomOptions = {}): Tensor => randomTensor(shape, 'normal', 0, 1, options);

/** Uniform on [low, high). */
export const uniform = (shape: readonly number[], low: number, high: number, options: RandomOptions = {}): Tensor =>
  randomTensor(shape, 'uniform', low, high, options);

/** Normal with the given mean and standard deviation. */
export const normal = (shape: readonly number[], mean: number, std: number, options: RandomOptions = {}): Tensor =>
  randomTensor(shape, 'normal', mean, std, options);

/** Integers uniform on [low, high), int32. */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: expected integers low < high; got ${low}, ${high}`);
  }
  return noGrad(() =>
    scope(() =>
      cast(
        uniform(shape, 0, 1, { ...options, requiresGrad: false })
          .mul(high - low)
          .floor()
          .add(low),
        'int32',
      ),
    ),
  );
}
