// A births run: the model, the train/validation/test windows and the StandardScaler statistics;
// trains with @recur/train's fit (Adam, StepLR, clipping; the best validation epoch's weights
// are kept), evaluates next-day and 7-day forecasts against seasonal-naive and ridge
// regression, predicts the days after a given series, and plots. K horizon, L lookback.

import { ArrayDataset, DataLoader } from '@recur/datasets';
import { meanAbsoluteError, meanAbsolutePercentageError, rootMeanSquaredError } from '@recur/metrics';
import { Adam, StepLR } from '@recur/optim';
import {
  taskBatches,
  type Evaluation,
  type LinePlot,
  type Metrics,
  type OnnxExample,
  type Prediction,
  type TaskRun,
  type TrainContext,
} from '@recur/sample-core';
import { fit, type FitResult } from '@recur/train';
import { mseLoss } from '@recur/cells';
import { fromTypedArray, noGrad, scope, type Tensor } from '@recur/tensor';
import { collate, SEASON, type Series, type SeriesWindow, type Standardizer } from './births-data.js';
import { BirthsModel } from './births-model.js';
import { exportBirthsOnnx } from './births-onnx.js';
import type { BirthsConfig } from './births-config.js';
import { fitRidgeBaseline, ridgeForecast } from './births-ridge.js';
import type { RidgeModel } from './ridge.js';
import { parseSeriesInput, seriesAfter } from './births-predict.js';

/** Forecasts of a set of windows, all [n·K] row-major, in births. */
export interface Forecast {
  readonly predicted: Float64Array;
  readonly naive: Float64Array;
  readonly actual: Float64Array;
  /** Mean squared error of the corrections (the training loss, in z units). */
  readonly loss: number;
}

const EVAL_BATCH = 256;
const PLOT_DAYS = 91;

export interface BirthsSplits {
  readonly series: Series;
  readonly train: readonly SeriesWindow[];
  readonly validation: readonly SeriesWindow[];
  readonly test: readonly SeriesWindow[];
}

export class BirthsRun implements TaskRun {
  readonly model: BirthsModel;

  constructor(
    readonly config: BirthsConfig,
    readonly splits: BirthsSplits,
    readonly scale: Standardizer,
  ) {
    this.model = new BirthsModel({
      hiddenSize: config.hiddenSize,
      numLayers: config.numLayers,
      lookback: config.lookback,
      horizon: config.horizon,
      dropout: config.dropout,
      members: config.members,
    });
  }

  #ridge: { model: RidgeModel; lambda: number; validationMae: number } | null = null;

  /** The ridge baseline, fit on the training windows with λ chosen on validation (once per run). */
  ridge(): { model: RidgeModel; lambda: number; validationMae: number } {
    const { config, splits, scale } = this;
    this.#ridge ??= fitRidgeBaseline(splits.series, splits.train, splits.validation, scale, config.lookback, config.horizon);
    return this.#ridge;
  }

  /** Every member's highway weights and bias := the ridge solution (the hidden-state columns keep their init). */
  async #initFromRidge(): Promise<void> {
    const { model: ridge } = this.ridge();
    const H = this.config.hiddenSize;
    const K = ridge.targets;
    for (const member of this.model.members) {
      const weight = new Float32Array(await member.head.weight.data());
      const inFeatures = H + ridge.features;
      for (let k = 0; k < K; k++) for (let j = 0; j < ridge.features; j++) weight[k * inFeatures + H + j] = ridge.weights[j * K + k]!;
      const w = fromTypedArray(weight, [K, inFeatures]);
      const b = fromTypedArray(Float32Array.from(ridge.intercept), [K]);
      noGrad(() => {
        member.head.weight.assign(w);
        member.head.bias!.assign(b);
      });
      w.dispose();
      b.dispose();
    }
  }

  get trainSize(): number {
    return this.splits.train.length;
  }

  state(): { mean: number; std: number } {
    return { mean: this.scale.mean, std: this.scale.std };
  }

  async train(context: TrainContext): Promise<FitResult> {
    const { config, model, splits } = this;
    const optimizer = new Adam(model.parameters(), { lr: config.lr });
    const scheduler = new StepLR(optimizer, { stepSize: config.lrStepSize, gamma: config.lrGamma });
    const loader = new DataLoader(new ArrayDataset([...splits.train]), { batchSize: config.batchSize, shuffle: true, seed: config.seed });
    if (config.ridgeInit) await this.#initFromRidge();
    const data = taskBatches({
      plan: (epoch) => loader.batchIndices(epoch),
      make: (indices) =>
        collate(
          splits.series,
          indices.map((i) => splits.train[i]!),
          config.lookback,
          config.horizon,
        ),
      dispose: (batch) => [batch.inputs, batch.calendar, batch.corrections].forEach((t) => t.dispose()),
    });
    try {
      return await fit(model, {
        train: data,
        batchSize: data.size,
        // Each member learns on its own loss, so the members stay an ensemble of independent fits.
        loss: (m, batch) =>
          scope(() => {
            const losses = m.forwardMembers(batch.inputs, batch.calendar).map((out) => mseLoss(out, batch.corrections));
            return losses.reduce((sum: Tensor, l) => sum.add(l));
          }),
        optimizer,
        scheduler,
        epochs: config.epochs,
        ...(config.clipNorm > 0 ? { clipGradNorm: config.clipNorm } : {}),
        signal: context.signal,
        validate: async () => {
          const forecast = await this.forecast(splits.validation);
          return { valLoss: forecast.loss, ...nextDayMetrics(forecast, config.horizon).model };
        },
        // restoreBest: early stopping keeps the best validation epoch's weights (by MAE) at the end.
        callbacks: context.callbacks({ batches: data.count, keepBest: config.restoreBest }),
      });
    } finally {
      optimizer.dispose();
    }
  }

  /** The model's forward arguments for the test split's first batch of windows. */
  summaryInput(): unknown[] {
    const batch = collate(this.splits.series, this.splits.test.slice(0, this.config.batchSize), this.config.lookback, this.config.horizon);
    batch.corrections.dispose();
    return [batch.inputs, batch.calendar];
  }

  /** Run the model over `windows` of `series` in evaluation batches; host reads are async (any backend). */
  async forecast(windows: readonly SeriesWindow[], series: Series = this.splits.series): Promise<Forecast> {
    const { config, model, scale } = this;
    const K = config.horizon;
    const predicted = new Float64Array(windows.length * K);
    const naive = new Float64Array(windows.length * K);
    const actual = new Float64Array(windows.length * K);
    let squared = 0;
    model.eval();
    for (let from = 0; from < windows.length; from += EVAL_BATCH) {
      const batch = collate(series, windows.slice(from, from + EVAL_BATCH), config.lookback, K);
      const output = noGrad(() => scope(() => model.forward(batch.inputs, batch.calendar)));
      const corrections = await output.data();
      const targets = await batch.corrections.data();
      for (const t of [output, batch.inputs, batch.calendar, batch.corrections]) t.dispose();
      for (let i = 0; i < corrections.length; i++) {
        const at = from * K + i;
        predicted[at] = (batch.naiveZ[i]! + corrections[i]!) * scale.std + scale.mean;
        naive[at] = batch.naiveZ[i]! * scale.std + scale.mean;
        actual[at] = batch.actual[i]!;
        squared += (corrections[i]! - targets[i]!) ** 2;
      }
    }
    return { predicted, naive, actual, loss: squared / Math.max(1, windows.length * K) };
  }

  async evaluate(): Promise<Evaluation> {
    const forecast = await this.forecast(this.splits.test);
    const nextDay = nextDayMetrics(forecast, this.config.horizon);
    const week = horizonMetrics(forecast);
    const suffix = `_${this.config.horizon}d`;
    const withSuffix = (metrics: Metrics) => Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k + suffix, v]));
    const higherIsBetter: Record<string, boolean> = {};
    for (const key of ['mae', 'rmse', 'mape']) higherIsBetter[key] = higherIsBetter[key + suffix] = false;
    const ridge = this.ridge();
    const ridgeTest = ridgeForecast(
      ridge.model,
      this.splits.series,
      this.splits.test,
      this.scale,
      this.config.lookback,
      this.config.horizon,
    );
    const naive = { ...nextDay.naive, ...withSuffix(week.naive) };
    const baselineName = `seasonal naive (the value ${SEASON} days earlier)`;
    return {
      metrics: { ...nextDay.model, ...withSuffix(week.model) },
      baseline: naive,
      baselineName,
      baselines: {
        [baselineName]: naive,
        // λ chosen on validation; reported beside the metrics for the record.
        'ridge (window + calendar, holiday × weekday)': {
          ...nextDayMetrics(ridgeTest, this.config.horizon).model,
          ...withSuffix(horizonMetrics(ridgeTest).model),
          lambda: ridge.lambda,
        },
      },
      higherIsBetter,
    };
  }

  /** The model as ONNX with the test split's last window as its example. */
  async exportOnnx(): Promise<OnnxExample> {
    const { lookback, horizon } = this.config;
    const batch = collate(this.splits.series, this.splits.test.slice(-1), lookback, horizon);
    batch.corrections.dispose();
    this.model.eval();
    const corrections = noGrad(() => this.model.forward(batch.inputs, batch.calendar));
    return {
      onnx: await exportBirthsOnnx(this.model, lookback, horizon),
      inputs: { inputs: batch.inputs, highway: batch.calendar },
      outputs: { corrections },
    };
  }

  async predict(input: string | null): Promise<Prediction> {
    const { config, splits, scale } = this;
    const given = input === null ? null : parseSeriesInput(input, config.lookback);
    const { series, window, dates } = seriesAfter(splits.series, given, scale, config.lookback, config.horizon);
    const forecast = await this.forecast([window], series);
    const rows = dates.map((date, k) => ({
      date,
      births: Math.round(forecast.predicted[k]!),
      seasonalNaive: Math.round(forecast.naive[k]!),
    }));
    const text = [
      'date         forecast  seasonal-naive',
      ...rows.map((r) => `${r.date}  ${String(r.births).padStart(8)}  ${String(r.seasonalNaive).padStart(14)}`),
    ].join('\n');
    return { value: { forecast: rows }, text };
  }

  /** The test split's last 13 weeks (autumn 1988, Thanksgiving and Christmas included). */
  async plots(): Promise<LinePlot[]> {
    const windows = this.splits.test.slice(-PLOT_DAYS);
    const forecast = await this.forecast(windows);
    const K = this.config.horizon;
    const points = windows.flatMap((window, i) => {
      const date = this.splits.series.dates[window.offset + this.config.lookback]!;
      return [
        { series: 'actual', x: date, y: forecast.actual[i * K]! },
        { series: 'LSTM (next day)', x: date, y: forecast.predicted[i * K]! },
        { series: 'seasonal naive', x: date, y: forecast.naive[i * K]! },
      ];
    });
    const title = `US births per day, the last ${PLOT_DAYS} forecast days of the test split: next-day forecast against actual`;
    return [{ name: 'forecast', title, x: { label: 'date', type: 'temporal' }, y: { label: 'births' }, points }];
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Column k of every row of an [n·K] array. */
function column(values: Float64Array, K: number, k: number): Float64Array {
  return values.filter((_, i) => i % K === k);
}

function scores(actual: ArrayLike<number>, predicted: ArrayLike<number>): Metrics {
  return {
    mae: meanAbsoluteError(actual, predicted),
    rmse: rootMeanSquaredError(actual, predicted),
    mape: meanAbsolutePercentageError(actual, predicted),
  };
}

/** MAE, RMSE and MAPE (a fraction) of the next-day forecast, for the model and seasonal-naive. */
export function nextDayMetrics(forecast: Forecast, K: number): { model: Metrics; naive: Metrics } {
  const actual = column(forecast.actual, K, 0);
  return { model: scores(actual, column(forecast.predicted, K, 0)), naive: scores(actual, column(forecast.naive, K, 0)) };
}

/** The same over all K days ahead, every (window, day) pair counted once. */
export function horizonMetrics(forecast: Forecast): { model: Metrics; naive: Metrics } {
  return { model: scores(forecast.actual, forecast.predicted), naive: scores(forecast.actual, forecast.naive) };
}
