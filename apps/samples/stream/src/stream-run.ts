// A stream run: batch training by truncated BPTT over the training years (B rows, each a
// consecutive stretch of days, state carried from chunk to chunk), then the test years streamed
// one day at a time, forecast then learned from (prequential), against seasonal-naive.

import { RecurrentStream, mseLoss } from '@recur/cells';
import { meanAbsoluteError, meanAbsolutePercentageError, rootMeanSquaredError } from '@recur/metrics';
import { Adam } from '@recur/optim';
import {
  InputError,
  taskBatches,
  type Evaluation,
  type LinePlot,
  type Metrics,
  type OnnxExample,
  type Prediction,
  type StreamOptions,
  type TaskRun,
  type TrainContext,
} from '@recur/sample-core';
import { TruncatedBPTT, fit, type FitResult } from '@recur/train';
import { fromTypedArray, noGrad, type Tensor } from '@recur/tensor';
import type { StreamConfig } from './stream-config.js';
import { SEASON, STEP_FEATURES, seriesSteps, type SeriesSteps, type Standardizer } from './stream-data.js';
import { OnlineForecaster, SEASONAL_NAIVE } from './stream-forecaster.js';
import { StreamModel } from './stream-model.js';
import { exportStreamOnnx } from './stream-onnx.js';

/** The whole series and where its parts start (indices into it). */
export interface StreamSeries {
  readonly dates: readonly string[];
  readonly births: Float64Array;
  readonly z: Float64Array;
  /** First training day used (trainYears), first validation day, first test day. */
  readonly trainFrom: number;
  readonly validationFrom: number;
  readonly testFrom: number;
}

/** A stretch of the series streamed value by value: per scored day, actual and forecasts in births. */
export interface Replay {
  readonly dates: string[];
  readonly actual: number[];
  readonly model: number[];
  readonly naive: number[];
  readonly updates: number;
}

interface Chunk {
  readonly index: number;
  readonly inputs: Tensor;
  readonly targets: Tensor;
}

const PLOT_DAYS = 91;

export class StreamRun implements TaskRun {
  readonly model: StreamModel;
  readonly #steps: SeriesSteps;
  #learned: Replay | null = null;

  constructor(
    readonly config: StreamConfig,
    readonly series: StreamSeries,
    readonly scale: Standardizer,
  ) {
    this.model = new StreamModel({ hiddenSize: config.hiddenSize, numLayers: config.numLayers });
    this.#steps = seriesSteps(series.z.subarray(series.trainFrom, series.validationFrom));
  }

  /** Steps of each of the B training rows. */
  get rowLength(): number {
    return Math.floor(this.#steps.corrections.length / this.config.batchSize);
  }

  /** TBPTT chunks per epoch: fit counts each as one example. */
  get trainSize(): number {
    return Math.ceil(this.rowLength / this.config.seqLen);
  }

  state(): { mean: number; std: number } {
    return { mean: this.scale.mean, std: this.scale.std };
  }

  /** Chunk k of every row: inputs [B, T, F] and target corrections [B, T, 1]. */
  #chunk(index: number): Chunk {
    const { batchSize, seqLen } = this.config;
    const row = this.rowLength;
    const from = index * seqLen;
    const length = Math.min(seqLen, row - from);
    const inputs = new Float32Array(batchSize * length * STEP_FEATURES);
    const targets = new Float32Array(batchSize * length);
    for (let b = 0; b < batchSize; b++) {
      const start = b * row + from;
      inputs.set(this.#steps.features.subarray(start * STEP_FEATURES, (start + length) * STEP_FEATURES), b * length * STEP_FEATURES);
      targets.set(this.#steps.corrections.subarray(start, start + length), b * length);
    }
    return {
      index,
      inputs: fromTypedArray(inputs, [batchSize, length, STEP_FEATURES]),
      targets: fromTypedArray(targets, [batchSize, length, 1]),
    };
  }

  async train(context: TrainContext): Promise<FitResult> {
    const { config, model } = this;
    if (this.rowLength < 1)
      throw new InputError(`stream: ${this.#steps.corrections.length} training steps cannot fill ${config.batchSize} rows`);
    const optimizer = new Adam(model.parameters(), { lr: config.lr });
    const stream = new RecurrentStream(model, { batchSize: config.batchSize });
    // fit's afterBackward of the batch being learned: its callbacks check each update before its step.
    let afterBackward: (loss: number, gradNorm?: number) => Promise<void> = async () => {};
    const trainer = new TruncatedBPTT(stream, {
      optimizer,
      loss: mseLoss,
      k1: config.seqLen,
      clipNorm: config.clipNorm,
      beforeStep: ({ loss, gradNorm }) => afterBackward(loss, gradNorm ?? undefined),
    });
    // Chunks run in order so the carried state means something; every epoch starts from zeros.
    const plan = Array.from({ length: this.trainSize }, (_, k) => [k]);
    const last = this.trainSize - 1;
    const data = taskBatches<Chunk>({
      plan: () => plan,
      make: ([index]) => this.#chunk(index!),
      dispose: (chunk) => {
        chunk.inputs.dispose();
        chunk.targets.dispose();
      },
    });
    try {
      return await fit(model, {
        train: data,
        batchSize: data.size,
        trainStep: async (_, chunk, hook) => {
          afterBackward = hook;
          if (chunk.index === 0) trainer.reset();
          const result = await trainer.step(chunk.inputs, chunk.targets);
          result.output.dispose();
          if (chunk.index === last) await trainer.flush();
          return result.loss;
        },
        optimizer,
        epochs: config.epochs,
        signal: context.signal,
        validate: async () => {
          const replay = await this.replay(this.series.validationFrom, this.series.testFrom, { learn: false });
          const scaled = (x: readonly number[]) => x.map((v) => (v - this.scale.mean) / this.scale.std);
          const z = scaled(replay.actual);
          const predicted = scaled(replay.model);
          const valLoss = z.reduce((sum, v, i) => sum + (v - predicted[i]!) ** 2, 0) / Math.max(1, z.length);
          return { valLoss, ...scores(replay.actual, replay.model) };
        },
        callbacks: context.callbacks({ batches: data.count }),
      });
    } finally {
      trainer.dispose();
      stream.dispose();
      optimizer.dispose();
    }
  }

  /** The model's forward arguments (the first training chunk, a zero state) for `recur summary`. */
  summaryInput(): unknown[] {
    const chunk = this.#chunk(0);
    chunk.targets.dispose();
    return [chunk.inputs, this.model.initialState(this.config.batchSize)];
  }

  /**
   * Stream days [from, to) one value at a time from a fresh state (with `learn`, on a copy of the
   * model, so this run's weights stay as trained) and score every day at or after `scoreFrom`.
   */
  async replay(from: number, to: number, options: StreamOptions & { scoreFrom?: number }): Promise<Replay> {
    const scoreFrom = options.scoreFrom ?? from;
    const forecaster = this.openStream(options);
    const out = { dates: [] as string[], actual: [] as number[], model: [] as number[], naive: [] as number[] };
    let updates = 0;
    try {
      for (let day = from; day < to; day++) {
        const step = await forecaster.push(this.series.births[day]!);
        if (day >= scoreFrom && step.expected !== null) {
          out.dates.push(this.series.dates[day]!);
          out.actual.push(step.value);
          out.model.push(step.expected);
          out.naive.push(step.expectedBaseline!);
        }
        updates = step.updates;
      }
    } finally {
      forecaster.dispose();
    }
    return { ...out, updates };
  }

  /** A forecaster over this run's model; learning works on a copy of the weights. */
  openStream(options: StreamOptions): OnlineForecaster {
    const { config } = this;
    const online = { learn: options.learn, lr: config.onlineLr, k1: config.onlineK1, k2: config.onlineK2, clipNorm: config.onlineClipNorm };
    if (!options.learn) return new OnlineForecaster(this.model, this.scale, online);
    const copy = new StreamModel({ hiddenSize: config.hiddenSize, numLayers: config.numLayers });
    copy.loadStateDict(this.model.stateDict());
    return new OnlineForecaster(copy, this.scale, { ...online, ownsModel: true });
  }

  /** The validation years warm the state (and, learning, the weights); the test years are scored. */
  async #testReplay(learn: boolean): Promise<Replay> {
    if (learn && this.#learned) return this.#learned;
    const replay = await this.replay(this.series.validationFrom, this.series.births.length, { learn, scoreFrom: this.series.testFrom });
    if (learn) this.#learned = replay;
    return replay;
  }

  async evaluate(): Promise<Evaluation> {
    const frozen = await this.#testReplay(false);
    const learned = await this.#testReplay(true);
    const naive = scores(learned.actual, learned.naive);
    const suffixed = (metrics: Metrics, suffix: string) => Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k + suffix, v]));
    const higherIsBetter: Record<string, boolean> = {};
    for (const key of ['mae', 'rmse', 'mape']) higherIsBetter[key] = higherIsBetter[`${key}_frozen`] = false;
    return {
      metrics: { ...scores(learned.actual, learned.model), ...suffixed(scores(frozen.actual, frozen.model), '_frozen') },
      baseline: { ...naive, ...suffixed(naive, '_frozen') },
      baselineName: SEASONAL_NAIVE,
      higherIsBetter,
    };
  }

  /** The value after `input` (whitespace-separated numbers, at least a week of them); none: the day after 1988. */
  /** The model as ONNX with the test split's first four weeks of steps, from a zero state, as its example. */
  async exportOnnx(): Promise<OnnxExample> {
    const test = seriesSteps(this.series.z.subarray(this.series.testFrom));
    const length = Math.min(28, test.corrections.length);
    const steps = fromTypedArray(test.features.slice(0, length * STEP_FEATURES), [1, length, STEP_FEATURES]);
    const [h0, c0] = this.model.initialState(1);
    this.model.eval();
    const [corrections, [hN, cN]] = noGrad(() => this.model.forward(steps, [h0, c0]));
    return { onnx: await exportStreamOnnx(this.model), inputs: { steps, h0, c0 }, outputs: { corrections, h_n: hN, c_n: cN } };
  }

  async predict(input: string | null): Promise<Prediction> {
    const values = input === null ? Array.from(this.series.births.subarray(this.series.validationFrom)) : parseValues(input);
    const forecaster = this.openStream({ learn: false });
    let step;
    try {
      for (const value of values) step = await forecaster.push(value);
    } finally {
      forecaster.dispose();
    }
    const forecast = Math.round(step!.forecast!);
    const naive = Math.round(step!.baseline!);
    return {
      value: { values: values.length, forecast, seasonalNaive: naive },
      text: `after ${values.length} values: forecast ${forecast} (seasonal naive ${naive})`,
    };
  }

  /** The last 13 weeks of the test years, streamed with online learning. */
  async plots(): Promise<LinePlot[]> {
    const replay = await this.#testReplay(true);
    const from = Math.max(0, replay.dates.length - PLOT_DAYS);
    const points = replay.dates.slice(from).flatMap((date, i) => [
      { series: 'actual', x: date, y: replay.actual[from + i]! },
      { series: 'LSTM, learning online', x: date, y: replay.model[from + i]! },
      { series: 'seasonal naive', x: date, y: replay.naive[from + i]! },
    ]);
    const title = `US births per day, streamed: the last ${PLOT_DAYS} days of 1988, each forecast the day before, then learned from`;
    return [{ name: 'forecast', title, x: { label: 'date', type: 'temporal' }, y: { label: 'births' }, points }];
  }

  dispose(): void {
    this.model.dispose();
  }
}

export function scores(actual: readonly number[], predicted: readonly number[]): Metrics {
  return {
    mae: meanAbsoluteError(actual, predicted),
    rmse: rootMeanSquaredError(actual, predicted),
    mape: meanAbsolutePercentageError(actual, predicted),
  };
}

/** Whitespace-separated finite numbers, at least a week of them. */
export function parseValues(input: string): number[] {
  const words = input
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const values = words.map((word, i) => {
    const value = Number(word);
    if (!Number.isFinite(value)) throw new InputError(`value ${i + 1} is not a number: ${JSON.stringify(word)}`);
    return value;
  });
  if (values.length < SEASON) throw new InputError(`expected at least ${SEASON} values (a week), got ${values.length}`);
  return values;
}
