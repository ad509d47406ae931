// The strong classical baseline: ridge regression on the same inputs the LSTM reads — the L
// window days' standardised births and holiday flags (their weekdays follow from the targets') — and the target days' calendar (target-calendar.ts:
// weekday, time of year, holiday × weekday for the targets and their naive days), predicting the
// same K corrections to seasonal-naive. λ is chosen on the validation split's next-day MAE only.

import { SEASON, highwaySize, writeHighway, type Series, type SeriesWindow, type Standardizer } from './births-data.js';
import { fitRidge, predictRidge, type RidgeModel } from './ridge.js';

export const RIDGE_LAMBDAS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100] as const;

/** Forecasts in births, all [n·K] row-major (the shape of BirthsRun's Forecast). */
export interface RidgeForecast {
  readonly predicted: Float64Array;
  readonly naive: Float64Array;
  readonly actual: Float64Array;
  readonly loss: number;
}

/** The model's highway features (births-data.ts), in double precision. */
export function ridgeFeatures(series: Series, window: SeriesWindow, lookback: number, horizon: number): Float64Array {
  const row = new Float64Array(highwaySize(lookback, horizon));
  writeHighway(series, window.offset, lookback, horizon, row, 0);
  return row;
}

function corrections(series: Series, window: SeriesWindow, lookback: number, horizon: number): Float64Array {
  return Float64Array.from({ length: horizon }, (_, k) => {
    const target = window.offset + lookback + k;
    return series.z[target]! - series.z[target - SEASON]!;
  });
}

export function ridgeForecast(
  model: RidgeModel,
  series: Series,
  windows: readonly SeriesWindow[],
  scale: Standardizer,
  lookback: number,
  horizon: number,
): RidgeForecast {
  const n = windows.length * horizon;
  const predicted = new Float64Array(n);
  const naive = new Float64Array(n);
  const actual = new Float64Array(n);
  let squared = 0;
  windows.forEach((window, w) => {
    const out = predictRidge(model, ridgeFeatures(series, window, lookback, horizon));
    const truth = corrections(series, window, lookback, horizon);
    for (let k = 0; k < horizon; k++) {
      const target = window.offset + lookback + k;
      const naiveZ = series.z[target - SEASON]!;
      predicted[w * horizon + k] = (naiveZ + out[k]!) * scale.std + scale.mean;
      naive[w * horizon + k] = naiveZ * scale.std + scale.mean;
      actual[w * horizon + k] = series.births[target]!;
      squared += (out[k]! - truth[k]!) ** 2;
    }
  });
  return { predicted, naive, actual, loss: squared / Math.max(1, n) };
}

const nextDayMae = (f: RidgeForecast, horizon: number) => {
  let sum = 0;
  for (let i = 0; i < f.actual.length; i += horizon) sum += Math.abs(f.actual[i]! - f.predicted[i]!);
  return sum / Math.max(1, f.actual.length / horizon);
};

/** Fit on `train` for every λ, keep the one with the lowest validation next-day MAE. */
export function fitRidgeBaseline(
  series: Series,
  train: readonly SeriesWindow[],
  validation: readonly SeriesWindow[],
  scale: Standardizer,
  lookback: number,
  horizon: number,
): { model: RidgeModel; lambda: number; validationMae: number } {
  const rows = train.map((w) => ridgeFeatures(series, w, lookback, horizon));
  const targets = train.map((w) => corrections(series, w, lookback, horizon));
  let best: { model: RidgeModel; lambda: number; validationMae: number } | null = null;
  for (const lambda of RIDGE_LAMBDAS) {
    const model = fitRidge(rows, targets, lambda);
    const validationMae = nextDayMae(ridgeForecast(model, series, validation, scale, lookback, horizon), horizon);
    if (best === null || validationMae < best.validationMae) best = { model, lambda, validationMae };
  }
  return best!;
}
