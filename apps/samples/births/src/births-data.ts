// The births series as model inputs. Each day is a step of F = 10 features: births
// standardised with train-split statistics, the day of the week one-hot (7), and the
// major/minor holiday flags. A window is L = lookback days; its targets are the next
// K = horizon days, learned as corrections to seasonal-naive (the value 7 days earlier).

import { slidingWindows, type Window } from '@recur/datasets';
import { fromTypedArray, type Tensor } from '@recur/tensor';
import { dayOfWeek, holidayFlags } from './calendar.js';
import { targetCalendarSize, writeTargetCalendar } from './target-calendar.js';

export const STEP_FEATURES = 10;
/** Seasonal-naive looks back one week, so horizons up to 7 days use only observed values. */
export const SEASON = 7;

export interface Day {
  readonly date: string;
  readonly births: number;
}

/** Train-split statistics: z = (births − mean) / std. */
export interface Standardizer {
  readonly mean: number;
  readonly std: number;
}

export interface Series {
  readonly dates: readonly string[];
  readonly births: Float64Array;
  readonly z: Float64Array;
  /** [N][F] step features. */
  readonly rows: readonly number[][];
  /** [N][2] major/minor holiday flags. */
  readonly flags: readonly (readonly [number, number])[];
}

export function buildSeries(days: readonly Day[], scale: Standardizer): Series {
  const births = Float64Array.from(days, (d) => d.births);
  const z = births.map((b) => (b - scale.mean) / scale.std);
  const flags = days.map((d) => holidayFlags(d.date));
  const rows = days.map((d, n) => {
    const dow = new Array<number>(7).fill(0);
    dow[dayOfWeek(d.date) - 1] = 1;
    return [z[n]!, ...dow, ...flags[n]!];
  });
  return { dates: days.map((d) => d.date), births, z, rows, flags };
}

/** A window located in the full series: inputs start at `offset`, targets follow them. */
export interface SeriesWindow {
  readonly input: readonly number[][];
  readonly offset: number;
}

/**
 * The windows whose K targets all lie in days [from, to) of the series, with their L input
 * days before them (reaching back into the previous split, as a forecaster would).
 */
export function windowsOver(series: Series, from: number, to: number, lookback: number, horizon: number): SeriesWindow[] {
  const start = Math.max(0, from - lookback);
  const windows = slidingWindows(series.rows.slice(start, to), { lookback, horizon });
  const out: SeriesWindow[] = [];
  for (let i = 0; i < windows.length; i++) {
    const window: Window<number[][]> = windows.get(i);
    out.push({ input: window.input, offset: start + window.start });
  }
  return out;
}

/**
 * What the model's linear highway reads (and the ridge baseline too): the window's births and
 * holiday flags, 3 per day, then the target days' calendar (target-calendar.ts). P = 3L + C(K).
 */
export const highwaySize = (lookback: number, horizon: number): number => 3 * lookback + targetCalendarSize(horizon);

export function writeHighway(
  series: Series,
  offset: number,
  lookback: number,
  horizon: number,
  out: Float32Array | Float64Array,
  at: number,
): void {
  for (let i = 0; i < lookback; i++) {
    const [major, minor] = series.flags[offset + i]!;
    out[at + 3 * i] = series.z[offset + i]!;
    out[at + 3 * i + 1] = major;
    out[at + 3 * i + 2] = minor;
  }
  writeTargetCalendar(series, offset + lookback, horizon, SEASON, out, at + 3 * lookback);
}

export interface BirthsBatch {
  /** [B, L, F] */
  readonly inputs: Tensor;
  /** [B, P]: the highway features (window births and flags, the targets' calendar). */
  readonly calendar: Tensor;
  /** [B, K]: z(target) − z(seasonal naive), what the model learns. */
  readonly corrections: Tensor;
}

/** The host-side numbers of a batch, for metrics: seasonal-naive z and the actual births. */
export interface BatchTruth {
  readonly naiveZ: Float32Array;
  readonly actual: Float64Array;
}

export function collate(series: Series, windows: readonly SeriesWindow[], lookback: number, horizon: number): BirthsBatch & BatchTruth {
  const batch = windows.length;
  const inputs = new Float32Array(batch * lookback * STEP_FEATURES);
  const P = highwaySize(lookback, horizon);
  const calendar = new Float32Array(batch * P);
  const corrections = new Float32Array(batch * horizon);
  const naiveZ = new Float32Array(batch * horizon);
  const actual = new Float64Array(batch * horizon);
  windows.forEach((window, b) => {
    inputs.set(window.input.flat(), b * lookback * STEP_FEATURES);
    writeHighway(series, window.offset, lookback, horizon, calendar, b * P);
    for (let k = 0; k < horizon; k++) {
      const target = window.offset + lookback + k;
      const naive = target - SEASON;
      naiveZ[b * horizon + k] = series.z[naive]!;
      corrections[b * horizon + k] = series.z[target]! - series.z[naive]!;
      actual[b * horizon + k] = series.births[target]!;
    }
  });
  return {
    inputs: fromTypedArray(inputs, [batch, lookback, STEP_FEATURES]),
    calendar: fromTypedArray(calendar, [batch, P]),
    corrections: fromTypedArray(corrections, [batch, horizon]),
    naiveZ,
    actual,
  };
}
