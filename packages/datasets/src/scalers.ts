// Feature scaling for time series, fitted on the training part only so no statistic of the
// validation or test future leaks into training: StandardScaler (z-scores) and MinMaxScaler,
// as scikit-learn defines them. Data is a univariate number[] or rows [N][F], one scale per feature.

import { ShapeError, ValueError, checkOptions } from '@recur/tensor';

/** A univariate series or rows of F features. */
export type ScalerInput = ArrayLike<number> | readonly ArrayLike<number>[];

/** number[] for a univariate input, number[][] for rows. */
export type ScalerOutput<X> = X extends readonly ArrayLike<number>[] ? number[][] : number[];

interface Fitted {
  /** y = (x − shift) / scale per feature. */
  readonly shift: Float64Array;
  readonly scale: Float64Array;
  readonly multivariate: boolean;
}

function isRows(data: ScalerInput): data is readonly ArrayLike<number>[] {
  return data.length > 0 && typeof data[0] !== 'number';
}

/** Columns of `data`: one for a series, F for rows (checked to agree). */
function columnsOf(name: string, data: ScalerInput): { columns: Float64Array[]; multivariate: boolean } {
  if (!isRows(data)) return { columns: [Float64Array.from(data as ArrayLike<number>)], multivariate: false };
  const features = data[0]!.length;
  const columns = Array.from({ length: features }, () => new Float64Array(data.length));
  for (let n = 0; n < data.length; n++) {
    const row = data[n]!;
    if (typeof row === 'number' || row.length !== features) {
      throw new ShapeError(
        `${name}: row ${n} has ${typeof row === 'number' ? 'a number' : `${row.length} features`}; row 0 has ${features}`,
      );
    }
    for (let f = 0; f < features; f++) columns[f]![n] = row[f]!;
  }
  return { columns, multivariate: true };
}

abstract class Scaler {
  #fitted: Fitted | null = null;

  protected abstract statistics(column: Float64Array): { shift: number; scale: number };

  get fitted(): boolean {
    return this.#fitted !== null;
  }

  /** Learn per-feature statistics from `data` (the training part). Returns this for chaining. */
  fit(data: ScalerInput): this {
    const name = `${this.constructor.name}.fit`;
    if (data.length === 0) throw new ValueError(`${name}: cannot fit on an empty series`);
    const { columns, multivariate } = columnsOf(name, data);
    const shift = new Float64Array(columns.length);
    const scale = new Float64Array(columns.length);
    columns.forEach((column, f) => {
      const stats = this.statistics(column);
      shift[f] = stats.shift;
      // A constant feature would divide by zero; like scikit-learn, leave it unscaled.
      scale[f] = stats.scale === 0 || !Number.isFinite(stats.scale) ? 1 : stats.scale;
    });
    this.#fitted = { shift, scale, multivariate };
    return this;
  }

  #apply<X extends ScalerInput>(operation: string, data: X, inverse: boolean): ScalerOutput<X> {
    const name = `${this.constructor.name}.${operation}`;
    const fitted = this.#fitted;
    if (fitted === null) throw new ValueError(`${name}: the scaler is not fitted; call fit(trainPart) first`);
    const rows = isRows(data);
    if (data.length > 0 && rows !== fitted.multivariate) {
      throw new ShapeError(
        `${name}: fitted on ${fitted.multivariate ? 'rows of features' : 'a univariate series'}; got ${rows ? 'rows' : 'a univariate series'}`,
      );
    }
    const map = (x: number, f: number) => (inverse ? x * fitted.scale[f]! + fitted.shift[f]! : (x - fitted.shift[f]!) / fitted.scale[f]!);
    if (!rows) return Array.from(data as ArrayLike<number>, (x) => map(x, 0)) as ScalerOutput<X>;
    return (data as readonly ArrayLike<number>[]).map((row, n) => {
      if (row.length !== fitted.shift.length) {
        throw new ShapeError(`${name}: row ${n} has ${row.length} features; the scaler was fitted on ${fitted.shift.length}`);
      }
      return Array.from(row, (x, f) => map(x, f));
    }) as ScalerOutput<X>;
  }

  transform<X extends ScalerInput>(data: X): ScalerOutput<X> {
    return this.#apply('transform', data, false);
  }

  inverseTransform<X extends ScalerInput>(data: X): ScalerOutput<X> {
    return this.#apply('inverseTransform', data, true);
  }

  fitTransform<X extends ScalerInput>(data: X): ScalerOutput<X> {
    return this.fit(data).transform(data);
  }

  /** The fitted (shift, scale) per feature, y = (x − shift) / scale; null before fit. */
  get parameters(): { readonly shift: Float64Array; readonly scale: Float64Array } | null {
    return this.#fitted === null ? null : { shift: this.#fitted.shift.slice(), scale: this.#fitted.scale.slice() };
  }
}

/** z = (x − mean) / std with the population std (ddof 0), as scikit-learn's StandardScaler. */
export class StandardScaler extends Scaler {
  protected statistics(column: Float64Array): { shift: number; scale: number } {
    let mean = 0;
    for (const x of column) mean += x;
    mean /= column.length;
    let variance = 0;
    for (const x of column) variance += (x - mean) ** 2;
    return { shift: mean, scale: Math.sqrt(variance / column.length) };
  }

  get mean(): Float64Array | null {
    return this.parameters?.shift ?? null;
  }

  get std(): Float64Array | null {
    return this.parameters?.scale ?? null;
  }
}

export interface MinMaxScalerOptions {
  /** Default [0, 1]. */
  readonly featureRange?: readonly [number, number];
}

/** y = lo + (x − min)(hi − lo) / (max − min), fitted min/max per feature. */
export class MinMaxScaler extends Scaler {
  readonly featureRange: readonly [number, number];

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    checkOptions('MinMaxScaler', options, ['featureRange']);
    this.featureRange = options.featureRange ?? [0, 1];
    const [lo, hi] = this.featureRange;
    if (!(lo < hi)) throw new ValueError(`MinMaxScaler: featureRange must be [lo, hi] with lo < hi; got [${lo}, ${hi}]`);
  }

  protected statistics(column: Float64Array): { shift: number; scale: number } {
    let min = Infinity;
    let max = -Infinity;
    for (const x of column) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    const [lo, hi] = this.featureRange;
    // Written as y = (x − shift) / scale: shift = min − lo·scale, scale = (max − min) / (hi − lo).
    const scale = (max - min) / (hi - lo);
    return { shift: max === min ? min - lo : min - lo * scale, scale };
  }
}
