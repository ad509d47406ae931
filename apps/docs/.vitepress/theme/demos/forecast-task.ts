// Demo 1: the seed's time-series recipe on CDC daily births. Each step is F = 8 features (the
// day's standardised births and its day of the week, one-hot); an LSTMModel reads L = lookback
// days and predicts the next day. B batch, L lookback, H hidden size.

import { LSTMModel, mseLoss } from '@recur/cells';
import { meanAbsoluteError } from '@recur/metrics';
import { Adam, StepLR, clipGradNormAsync } from '@recur/optim';
import { fromTypedArray, manualSeed, noGrad, scope, type Tensor } from '@recur/tensor';
import type { BirthsExcerpt, DemoEvent, ForecastSettings } from './protocol.js';
import { shuffled } from './shuffle.js';

export { FORECAST_DEFAULTS } from './forecast-settings.js';

export const STEP_FEATURES = 8;

export interface PreparedSeries {
  /** [N][F] step features. */
  readonly rows: readonly Float32Array[];
  readonly z: Float32Array;
  readonly mean: number;
  readonly std: number;
  /** Indices of the target days of the training and the held-out windows. */
  readonly trainTargets: readonly number[];
  readonly heldOutTargets: readonly number[];
  readonly dates: readonly string[];
}

function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Standardise with training-part statistics only, so the held-out days stay unseen. */
export function prepareSeries(data: BirthsExcerpt, lookback: number): PreparedSeries {
  const train = data.births.slice(0, data.trainDays);
  const mean = train.reduce((sum, value) => sum + value, 0) / train.length;
  const std = Math.sqrt(train.reduce((sum, value) => sum + (value - mean) ** 2, 0) / train.length);
  const z = Float32Array.from(data.births, (value) => (value - mean) / std);
  const rows = data.births.map((_, day) => {
    const row = new Float32Array(STEP_FEATURES);
    row[0] = z[day]!;
    row[data.dayOfWeek[day]!] = 1;
    return row;
  });
  const targets = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  return {
    rows,
    z,
    mean,
    std,
    trainTargets: targets(lookback, data.trainDays),
    heldOutTargets: targets(data.trainDays, data.births.length),
    dates: data.births.map((_, day) => addDays(data.start, day)),
  };
}

/** Windows ending before each target day: inputs [B, L, F] and targets [B, 1]. */
export function windowBatch(series: PreparedSeries, targets: readonly number[], lookback: number): { inputs: Tensor; targets: Tensor } {
  const inputs = new Float32Array(targets.length * lookback * STEP_FEATURES);
  const values = new Float32Array(targets.length);
  targets.forEach((target, b) => {
    for (let t = 0; t < lookback; t++) inputs.set(series.rows[target - lookback + t]!, (b * lookback + t) * STEP_FEATURES);
    values[b] = series.z[target]!;
  });
  return {
    inputs: fromTypedArray(inputs, [targets.length, lookback, STEP_FEATURES]),
    targets: fromTypedArray(values, [targets.length, 1]),
  };
}

export interface ForecastOptions {
  /** Stop after this many optimiser steps (tests). */
  readonly maxSteps?: number;
  readonly seed?: number;
}

/** Train on the active backend, emitting every step's loss and each epoch's forecast. */
export async function trainForecast(
  data: BirthsExcerpt,
  settings: ForecastSettings,
  emit: (event: DemoEvent) => void,
  options: ForecastOptions = {},
): Promise<LSTMModel> {
  manualSeed(options.seed ?? 0);
  const series = prepareSeries(data, settings.lookback);
  const model = new LSTMModel({ inputSize: STEP_FEATURES, hiddenSize: settings.hiddenSize, outputSize: 1 });
  const optimizer = new Adam(model.parameters(), { lr: settings.lr });
  const scheduler = new StepLR(optimizer, { stepSize: Math.max(1, Math.ceil(settings.epochs / 2)), gamma: 0.3 });
  const started = performance.now();
  let step = 0;
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    const order = shuffled(series.trainTargets, options.seed ?? 0, epoch);
    let epochLoss = 0;
    let batches = 0;
    for (let first = 0; first < order.length; first += settings.batchSize) {
      if (options.maxSteps !== undefined && step >= options.maxSteps) break;
      const batch = windowBatch(series, order.slice(first, first + settings.batchSize), settings.lookback);
      optimizer.zeroGrad();
      const loss = scope(() => {
        const value = mseLoss(model.forward(batch.inputs), batch.targets);
        value.backward();
        return value;
      });
      batch.inputs.dispose();
      batch.targets.dispose();
      // Clipping reads the norm back; the async form works on every backend, GPUs included.
      await clipGradNormAsync(model.parameters(), 1.0);
      optimizer.step();
      const value = await loss.item();
      loss.dispose();
      step++;
      epochLoss += value;
      batches++;
      emit({ type: 'step', step, epoch, loss: value });
    }
    const forecast = await forecastHeldOut(model, series, settings.lookback);
    emit({ type: 'forecast', ...forecast });
    emit({
      type: 'epoch',
      epoch,
      trainLoss: epochLoss / Math.max(1, batches),
      validation: meanAbsoluteError(forecast.actual, forecast.predicted),
      lr: scheduler.getLastLr()[0]!,
    });
    scheduler.step();
    if (options.maxSteps !== undefined && step >= options.maxSteps) break;
  }
  optimizer.dispose();
  emit({ type: 'done', seconds: (performance.now() - started) / 1000, steps: step });
  return model;
}

/** One-day-ahead forecasts over the held-out days (each from the actual days before it), in births. */
export async function forecastHeldOut(
  model: LSTMModel,
  series: PreparedSeries,
  lookback: number,
): Promise<{ dates: string[]; actual: number[]; predicted: number[] }> {
  const targets = series.heldOutTargets;
  const batch = windowBatch(series, targets, lookback);
  model.eval();
  const output = noGrad(() => model.forward(batch.inputs));
  model.train();
  const z = await output.data();
  output.dispose();
  batch.inputs.dispose();
  batch.targets.dispose();
  const births = (value: number) => Math.round(value * series.std + series.mean);
  return {
    dates: targets.map((day) => series.dates[day]!),
    actual: targets.map((day) => births(series.z[day]!)),
    predicted: Array.from(z, (value) => births(value)),
  };
}
