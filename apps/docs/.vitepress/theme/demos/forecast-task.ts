// Demo 1: the seed's time-series recipe on CDC daily births, trained by fit (in the demo worker,
// through serveFit). Each step is F = 8 features (the day's standardised births and its day of
// the week, one-hot); an LSTMModel reads L = lookback days and predicts the next day. B batch, L lookback, H hidden size.

import { LSTMModel, mseLoss } from '@recur/cells';
import { meanAbsoluteError } from '@recur/metrics';
import { Adam, StepLR } from '@recur/optim';
import { fromTypedArray, manualSeed, noGrad, type Tensor } from '@recur/tensor';
import type { WorkerFitSetup } from '@recur/train';
import type { BirthsExcerpt, DemoEvent, ForecastSettings } from './protocol.js';
import { shuffled } from './shuffle.js';

import { FORECAST_VALIDATION } from './forecast-settings.js';

export { FORECAST_DEFAULTS, FORECAST_VALIDATION } from './forecast-settings.js';

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

/** Batches of target-day indices; their windows become tensors inside the loss (fit frees them with the step). */
function* batchesOf(targets: readonly number[], batchSize: number): Generator<readonly number[]> {
  for (let first = 0; first < targets.length; first += batchSize) yield targets.slice(first, first + batchSize);
}

/**
 * The forecaster's fit: what the demo worker's serveFit task returns (and the tests run in
 * this thread). Adam with a StepLR, gradients clipped to norm 1; after each epoch the held-out
 * forecast is posted for the chart and its mean absolute error (births per day) logged as `mae`.
 */
export function forecastFit(
  data: BirthsExcerpt,
  settings: ForecastSettings,
  post: (event: DemoEvent) => void,
  seed = 0,
): WorkerFitSetup<LSTMModel, readonly number[]> {
  manualSeed(seed);
  const series = prepareSeries(data, settings.lookback);
  const model = new LSTMModel({ inputSize: STEP_FEATURES, hiddenSize: settings.hiddenSize, outputSize: 1 });
  const optimizer = new Adam(model.parameters(), { lr: settings.lr });
  return {
    model,
    // Epochs count from 1 in the seeded order, as the demo always shuffled them.
    train: (epoch) => batchesOf(shuffled(series.trainTargets, seed, epoch + 1), settings.batchSize),
    loss: (m, targets) => {
      const batch = windowBatch(series, targets, settings.lookback);
      return mseLoss(m.forward(batch.inputs), batch.targets);
    },
    optimizer,
    scheduler: new StepLR(optimizer, { stepSize: Math.max(1, Math.ceil(settings.epochs / 2)), gamma: 0.3 }),
    epochs: settings.epochs,
    clipGradNorm: 1,
    validate: async (m) => {
      const forecast = await forecastHeldOut(m, series, settings.lookback);
      post({ type: 'forecast', ...forecast });
      return { [FORECAST_VALIDATION]: meanAbsoluteError(forecast.actual, forecast.predicted) };
    },
    callbacks: [{ onTrainEnd: () => optimizer.dispose() }],
  };
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
