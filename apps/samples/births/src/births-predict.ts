// Input for `recur predict` on a births checkpoint: "YYYY-MM-DD n1 n2 … nL" — daily births
// ending on that date (commas or spaces between numbers), at least `lookback` of them. Without
// input the forecast starts the day after the dataset ends (1989-01-01).

import { InputError } from '@recur/sample-core';
import { addDays } from './calendar.js';
import { buildSeries, SEASON, type Series, type SeriesWindow, type Standardizer } from './births-data.js';

export interface SeriesInput {
  /** Date of the last value. */
  readonly lastDate: string;
  readonly values: readonly number[];
}

export function parseSeriesInput(text: string, lookback: number): SeriesInput {
  const match = /^\s*(\d{4}-\d{2}-\d{2})\s*:?\s*([\s\S]*)$/.exec(text);
  const usage = `expected "YYYY-MM-DD n1 n2 … n${lookback}" (daily births ending on that date, at least ${lookback} numbers)`;
  if (!match || Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`))) throw new InputError(`input: ${usage}`);
  const parts = match[2]!.split(/[\s,]+/).filter((part) => part !== '');
  const values = parts.map(Number);
  const bad = parts.findIndex((part, i) => !Number.isFinite(values[i]!) || values[i]! < 0);
  if (bad >= 0) throw new InputError(`input: value ${bad + 1} ("${parts[bad]}") is not a number of births; ${usage}`);
  if (values.length < Math.max(lookback, SEASON)) throw new InputError(`input: got ${values.length} numbers; ${usage}`);
  return { lastDate: match[1]!, values };
}

/**
 * A series of the last `lookback` known days followed by `horizon` unknown ones, and the one
 * window that forecasts them. `given` null: the dataset's last days.
 */
export function seriesAfter(
  dataset: Series,
  given: SeriesInput | null,
  scale: Standardizer,
  lookback: number,
  horizon: number,
): { series: Series; window: SeriesWindow; dates: string[] } {
  const known = given
    ? given.values.slice(-lookback).map((births, i, all) => ({ date: addDays(given.lastDate, i - all.length + 1), births }))
    : dataset.dates.slice(-lookback).map((date, i) => ({ date, births: dataset.births[dataset.births.length - lookback + i]! }));
  const last = known[known.length - 1]!.date;
  const dates = Array.from({ length: horizon }, (_, k) => addDays(last, k + 1));
  // Unknown days carry NaN births; only their calendar is read.
  const series = buildSeries([...known, ...dates.map((date) => ({ date, births: NaN }))], scale);
  return { series, window: { input: series.rows.slice(0, lookback).map((row) => [...row]), offset: 0 }, dates };
}
