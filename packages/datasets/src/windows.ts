// Time-series windows: each record is `lookback` consecutive steps and the `horizon` steps after
// them (the seed: lookback 10 → the next value). N series length, F features per step,
// B batch size. Windows are sliced on demand, so a long series costs no extra memory.

import { ShapeError, ValueError, checkOptions, fromTypedArray, type BackendV1, type Tensor } from '@recur/tensor';
import { checkIndex, checkPositiveInteger, type Dataset } from './dataset.js';

export interface WindowOptions {
  /** Steps the model sees. */
  readonly lookback: number;
  /** Steps to predict after them. Default 1. */
  readonly horizon?: number;
  /** Steps between the starts of consecutive windows. Default 1. */
  readonly stride?: number;
}

/** One window: `input` is series[start, start+lookback), `target` the horizon steps after it. */
export interface Window<S> {
  readonly input: S;
  readonly target: S;
  readonly start: number;
}

/** Windows over a univariate (number[] steps) or multivariate (number[][] steps) series. */
export class WindowDataset<S extends number[] | number[][]> implements Dataset<Window<S>> {
  readonly lookback: number;
  readonly horizon: number;
  readonly stride: number;
  /** F for a multivariate series, null for a univariate one. */
  readonly features: number | null;
  readonly #series: ArrayLike<number> | readonly ArrayLike<number>[];
  readonly #length: number;

  constructor(series: ArrayLike<number> | readonly ArrayLike<number>[], options: WindowOptions) {
    const name = 'slidingWindows';
    checkOptions(name, options, ['lookback', 'horizon', 'stride']);
    this.lookback = options.lookback;
    this.horizon = options.horizon ?? 1;
    this.stride = options.stride ?? 1;
    checkPositiveInteger(name, 'lookback', this.lookback);
    checkPositiveInteger(name, 'horizon', this.horizon);
    checkPositiveInteger(name, 'stride', this.stride);
    this.features = series.length > 0 && typeof series[0] !== 'number' ? (series[0] as ArrayLike<number>).length : null;
    if (this.features !== null) {
      for (let n = 0; n < series.length; n++) {
        const row = series[n];
        if (typeof row === 'number' || row!.length !== this.features) {
          const got = typeof row === 'number' ? 'a number' : `${row!.length} features`;
          throw new ShapeError(`${name}: step ${n} has ${got}; step 0 has ${this.features} features`);
        }
      }
    }
    this.#series = series;
    const span = this.lookback + this.horizon;
    this.#length = series.length < span ? 0 : Math.floor((series.length - span) / this.stride) + 1;
  }

  get length(): number {
    return this.#length;
  }

  #slice(from: number, to: number): S {
    const out: number[] | number[][] = [];
    for (let n = from; n < to; n++) {
      const step = this.#series[n]!;
      (out as unknown[]).push(typeof step === 'number' ? step : Array.from(step));
    }
    return out as S;
  }

  get(index: number): Window<S> {
    checkIndex('WindowDataset.get', index, this.#length);
    const start = index * this.stride;
    const split = start + this.lookback;
    return { input: this.#slice(start, split), target: this.#slice(split, split + this.horizon), start };
  }
}

/**
 * Windows over `series`: a number[] (or typed array) gives number[] windows, a [N][F] array
 * gives [lookback][F] windows. Count: ⌊(N − lookback − horizon) / stride⌋ + 1, or 0 if N is shorter.
 */
export function slidingWindows(series: ArrayLike<number>, options: WindowOptions): WindowDataset<number[]>;
export function slidingWindows(series: readonly ArrayLike<number>[], options: WindowOptions): WindowDataset<number[][]>;
export function slidingWindows(
  series: ArrayLike<number> | readonly ArrayLike<number>[],
  options: WindowOptions,
): WindowDataset<number[]> | WindowDataset<number[][]> {
  return new WindowDataset<number[] | number[][]>(series, options) as WindowDataset<number[]> | WindowDataset<number[][]>;
}

/** A batch of windows as float32 tensors. */
export interface WindowBatch {
  /** [B, lookback, F], F = 1 for a univariate series: what an RNN with batchFirst takes. */
  readonly inputs: Tensor;
  /** [B, horizon] for a univariate series (a Linear(H, horizon) head), [B, horizon, F] otherwise. */
  readonly targets: Tensor;
}

/** Collate for windows: stacks them (all windows share one shape, so nothing is padded). */
export function windowCollate(
  options: { backend?: BackendV1 | string } = {},
): (windows: readonly Window<number[] | number[][]>[]) => WindowBatch {
  return (windows) => {
    if (windows.length === 0) throw new ValueError('windowCollate: cannot collate an empty batch');
    const first = windows[0]!;
    const lookback = first.input.length;
    const horizon = first.target.length;
    const univariate = lookback === 0 || typeof first.input[0] === 'number';
    const features = univariate ? 1 : (first.input[0] as number[]).length;
    const inputs = new Float32Array(windows.length * lookback * features);
    const targets = new Float32Array(windows.length * horizon * features);
    windows.forEach((window, b) => {
      if (window.input.length !== lookback || window.target.length !== horizon) {
        throw new ShapeError(
          `windowCollate: window ${b} has lookback ${window.input.length} and horizon ${window.target.length}; window 0 has ${lookback} and ${horizon}`,
        );
      }
      inputs.set(window.input.flat(), b * lookback * features);
      targets.set(window.target.flat(), b * horizon * features);
    });
    return {
      inputs: fromTypedArray(inputs, [windows.length, lookback, features], { backend: options.backend }),
      targets: fromTypedArray(targets, univariate ? [windows.length, horizon] : [windows.length, horizon, features], {
        backend: options.backend,
      }),
    };
  };
}
