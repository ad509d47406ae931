// The births series as a stream of single values. Each value is standardised with train-split
// statistics, z = (births − mean) / std, and read at day t as one step of F = 5 features: the
// newest value z_t and the values of the same weekday 1–4 weeks before the day being forecast
// (z_{t−6}, z_{t−13}, z_{t−20}, z_{t−27}). The model forecasts a correction to seasonal-naive.

/** Seasonal-naive forecasts a day with the value one week before it. */
export const SEASON = 7;
/** Weeks of same-weekday history in each step's features. */
export const WEEKS = 4;
export const STEP_FEATURES = 1 + WEEKS;
/** Values held: the oldest feature reads z_{t − (WEEKS·SEASON − 1)}. */
export const HISTORY = WEEKS * SEASON;

/** Train-split statistics: z = (value − mean) / std. */
export interface Standardizer {
  readonly mean: number;
  readonly std: number;
}

/**
 * The last HISTORY standardised values of a stream, newest last. Before a value has been seen
 * for a week far enough back, the features repeat the oldest same-weekday value there is, so a
 * forecast can start after one week (as seasonal-naive does).
 */
export class History {
  readonly #values = new Float64Array(HISTORY);
  #count = 0;

  /** Values seen so far (not capped). */
  get count(): number {
    return this.#count;
  }

  push(z: number): void {
    this.#values[this.#count % HISTORY] = z;
    this.#count++;
  }

  /** z_{t − lag}, t being the newest value; lag < min(count, HISTORY). */
  ago(lag: number): number {
    return this.#values[(this.#count - 1 - lag) % HISTORY]!;
  }

  /** True once a week has been seen: seasonal-naive (and the model) can forecast the next value. */
  get ready(): boolean {
    return this.#count >= SEASON;
  }

  /** The seasonal-naive forecast of the next value, z_{t−6}. */
  naive(): number {
    return this.ago(SEASON - 1);
  }

  /** The step features of the newest value (see the header); needs `ready`. */
  features(out: Float32Array = new Float32Array(STEP_FEATURES)): Float32Array {
    out[0] = this.ago(0);
    let lag = SEASON - 1;
    for (let week = 1; week <= WEEKS; week++) {
      // A week not seen yet repeats the oldest seen one: lag stays at the last valid value.
      if (week === 1 || SEASON * week - 1 < this.#count) lag = SEASON * week - 1;
      out[week] = this.ago(lag);
    }
    return out;
  }
}

/** Features of every step t ≥ SEASON − 1 of `z`, with the correction each should forecast. */
export interface SeriesSteps {
  /** First day t with a forecast (its target is day t + 1). */
  readonly first: number;
  /** [n·F] row-major, n = z.length − first − 1. */
  readonly features: Float32Array<ArrayBuffer>;
  /** [n] z_{t+1} − z_{t−6}: what the model learns. */
  readonly corrections: Float32Array<ArrayBuffer>;
  /** [n] z_{t−6}, seasonal-naive's forecast of day t + 1. */
  readonly naive: Float32Array<ArrayBuffer>;
}

/** The steps a stream over `z` would feed (the same History rules), for batch training. */
export function seriesSteps(z: ArrayLike<number>): SeriesSteps {
  const first = SEASON - 1;
  const n = Math.max(0, z.length - first - 1);
  const features = new Float32Array(n * STEP_FEATURES);
  const corrections = new Float32Array(n);
  const naive = new Float32Array(n);
  const history = new History();
  for (let t = 0; t < first; t++) history.push(z[t]!);
  for (let i = 0; i < n; i++) {
    const t = first + i;
    history.push(z[t]!);
    history.features(features.subarray(i * STEP_FEATURES, (i + 1) * STEP_FEATURES));
    naive[i] = history.naive();
    corrections[i] = z[t + 1]! - history.naive();
  }
  return { first, features, corrections, naive };
}

export function standardize(values: ArrayLike<number>, scale: Standardizer): Float64Array {
  return Float64Array.from(values as ArrayLike<number>, (value) => (value - scale.mean) / scale.std);
}
