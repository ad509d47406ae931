// The online forecaster: values arrive one at a time; each is first scored against the forecast
// made for it (prequential), then, when learning, handed to truncated BPTT as the target of
// that forecast, and finally fed to the model to forecast the next value. TBPTT(k1, k2): an
// update every k1 values, the gradient running k2 values back (@recur/train).

import { RecurrentStream, mseLoss } from '@recur/cells';
import { Adam, type Optimizer } from '@recur/optim';
import { InputError, TrainingDivergedError, type StreamStep, type ValueStream } from '@recur/sample-core';
import { TruncatedBPTT } from '@recur/train';
import { ValueError, fromTypedArray, noGrad, type Tensor } from '@recur/tensor';
import { History, SEASON, STEP_FEATURES, type Standardizer } from './stream-data.js';
import type { StreamModel } from './stream-model.js';

export interface OnlineOptions {
  /** Learn from every value after forecasting it; false keeps the weights as they are. */
  readonly learn: boolean;
  /** Adam's learning rate for online updates. */
  readonly lr: number;
  readonly k1: number;
  readonly k2: number;
  /** Max gradient norm of an online update; 0 turns clipping off. */
  readonly clipNorm: number;
  /** Dispose the model with the forecaster (a copy made for it). */
  readonly ownsModel?: boolean;
}

export const SEASONAL_NAIVE = `seasonal naive (the value ${SEASON} days earlier)`;

export class OnlineForecaster implements ValueStream {
  readonly baselineName = SEASONAL_NAIVE;
  readonly stream: RecurrentStream<StreamModel>;
  readonly #trainer: TruncatedBPTT<StreamModel> | null;
  readonly #optimizer: Optimizer | null;
  readonly #history = new History();
  readonly #features = new Float32Array(STEP_FEATURES);
  readonly #lr: number;
  /** The forecast of the next value in z units, and seasonal-naive's; null while warming up. */
  #forecastZ: number | null = null;
  #naiveZ: number | null = null;
  #updates = 0;
  readonly #ownsModel: boolean;

  constructor(
    readonly model: StreamModel,
    readonly scale: Standardizer,
    options: OnlineOptions,
  ) {
    if (!(scale.std > 0) || !Number.isFinite(scale.mean))
      throw new ValueError(`OnlineForecaster: expected a finite mean and a positive std; got ${scale.mean}, ${scale.std}`);
    this.stream = new RecurrentStream(model, { batchSize: 1 });
    this.#lr = options.lr;
    this.#ownsModel = options.ownsModel ?? false;
    if (options.learn) {
      this.#optimizer = new Adam(model.parameters(), { lr: options.lr });
      this.#trainer = new TruncatedBPTT(this.stream, {
        optimizer: this.#optimizer,
        loss: mseLoss,
        k1: options.k1,
        k2: options.k2,
        clipNorm: options.clipNorm,
        beforeStep: ({ loss, gradNorm, update }) => this.#check(loss, gradNorm, update),
      });
      model.train();
    } else {
      this.#optimizer = null;
      this.#trainer = null;
      model.eval();
    }
  }

  get learning(): boolean {
    return this.#trainer !== null;
  }

  /** Values read so far. */
  get count(): number {
    return this.#history.count;
  }

  async push(value: number): Promise<StreamStep> {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new ValueError(`OnlineForecaster.push: expected a finite number; got ${String(value)}`);
    const { mean, std } = this.scale;
    const z = (value - mean) / std;
    const expected = this.#forecastZ;
    const expectedNaive = this.#naiveZ;
    if (this.#trainer && expected !== null) {
      // Prequential: the forecast was made before this value arrived; now it is the target.
      const target = fromTypedArray(Float32Array.of(z - expectedNaive!), [1, 1, 1]);
      try {
        this.#updates += (await this.#trainer.learn(target)).updates;
      } finally {
        target.dispose();
      }
    }
    this.#history.push(z);
    if (this.#history.ready) {
      const naive = this.#history.naive();
      const input = fromTypedArray(this.#history.features(this.#features).slice(), [1, 1, STEP_FEATURES]);
      let output: Tensor;
      try {
        output = this.#trainer ? this.#trainer.predict(input) : noGrad(() => this.stream.forward(input));
      } finally {
        input.dispose();
      }
      const correction = (await output.data())[0]!;
      output.dispose();
      if (!Number.isFinite(correction)) {
        if (this.#trainer) throw this.#diverged(`forecast ${correction}`);
        throw new InputError(
          `value ${this.count} (${value}) drives the forecast to ${correction}: is the series in the units the model was trained on?`,
        );
      }
      this.#forecastZ = naive + correction;
      this.#naiveZ = naive;
    }
    const births = (zValue: number | null) => (zValue === null ? null : zValue * std + mean);
    return {
      value,
      expected: births(expected),
      expectedBaseline: births(expectedNaive),
      forecast: births(this.#forecastZ),
      baseline: births(this.#naiveZ),
      updates: this.#updates,
    };
  }

  dispose(): void {
    this.#trainer?.dispose();
    this.#optimizer?.dispose();
    this.stream.dispose();
    if (this.#ownsModel) this.model.dispose();
  }

  #check(loss: number, gradNorm: number | null, update: number): void {
    if (!Number.isFinite(loss)) throw this.#diverged(`loss ${loss} in update ${update}`);
    if (gradNorm !== null && !Number.isFinite(gradNorm)) throw this.#diverged(`gradient norm ${gradNorm} in update ${update}`);
  }

  #diverged(what: string): TrainingDivergedError {
    return new TrainingDivergedError(`online learning diverged: ${what} at value ${this.count} (lr ${this.#lr}); try a lower onlineLr`);
  }
}
