// Regression metrics as scikit-learn 1.2.1 computes them: MAE, MSE, RMSE, MAPE (a fraction,
// guarded by eps), sMAPE and R², for 1-D targets (n) or 2-D (n samples × m outputs, per column).
// e = yTrue - yPred, n samples, m outputs, eps = 2^-52 (numpy's float64 eps), SS sum of squares.

import { MetricInputError, MetricOptionError, MetricShapeError } from './errors.js';
import type { MetricAccumulator } from './streaming.js';
import { checkOptionKeys, checkNonEmpty, checkOneOf } from './validate.js';

/** 1-D (n) targets, or 2-D as n rows of m outputs each. */
export type Targets = ArrayLike<number> | readonly ArrayLike<number>[];

/** sklearn's multioutput: average columns uniformly, return them raw, or weight them. */
export type Multioutput = 'uniform_average' | 'raw_values' | ArrayLike<number>;

export interface MultioutputOptions {
  readonly multioutput?: Multioutput;
}

export interface R2Options {
  /** 'variance_weighted' weights each column's R² by the variance of its targets. */
  readonly multioutput?: Multioutput | 'variance_weighted';
  /** sklearn's force_finite (default true): a constant target column scores 1 (perfect) or 0, not NaN/-inf. */
  readonly forceFinite?: boolean;
}

export interface RegressionScores<V> {
  readonly meanAbsoluteError: V;
  readonly meanSquaredError: V;
  readonly rootMeanSquaredError: V;
  /** A fraction: 0.05 means 5 %. */
  readonly meanAbsolutePercentageError: V;
  /** mean 2|e| / (|yTrue| + |yPred|), a fraction in [0, 2]. */
  readonly symmetricMeanAbsolutePercentageError: V;
  readonly r2Score: V;
}

export interface RegressionReport extends RegressionScores<number> {
  readonly samples: number;
  /** Per output column (multioutput 'raw_values'); one entry for 1-D targets. */
  readonly rawValues: RegressionScores<number[]>;
}

const EPSILON = 2 ** -52;

interface Column {
  samples: number;
  sumAbsolute: number;
  sumSquared: number;
  sumPercentage: number;
  sumSymmetric: number;
  mean: number;
  /** Σ (yTrue - mean)² over the samples so far: R²'s denominator. */
  deviation: number;
}

interface Matrix {
  readonly rows: number;
  readonly columns: number;
  at(row: number, column: number): number;
}

function asMatrix(op: string, name: string, values: Targets): Matrix {
  if (values.length > 0 && typeof values[0] !== 'number') {
    const rows = values as readonly ArrayLike<number>[];
    const columns = rows[0]!.length;
    rows.forEach((row, i) => {
      if (typeof row !== 'object' || row === null || row.length !== columns) {
        throw new MetricShapeError(`${op}: ${name}[${i}] has ${row?.length} outputs, ${name}[0] has ${columns}`);
      }
    });
    return { rows: rows.length, columns, at: (i, j) => rows[i]![j]! };
  }
  const flat = values as ArrayLike<number>;
  return { rows: flat.length, columns: 1, at: (i) => flat[i]! };
}

export class RegressionMetrics implements MetricAccumulator<[yTrue: Targets, yPred: Targets], RegressionReport> {
  private columns: Column[] = [];

  /** Add a batch: 1-D arrays of n values or n rows of m outputs; m must stay the same. */
  update(yTrue: Targets, yPred: Targets): this {
    const op = 'RegressionMetrics.update';
    const truth = asMatrix(op, 'yTrue', yTrue);
    const predicted = asMatrix(op, 'yPred', yPred);
    if (truth.rows !== predicted.rows || truth.columns !== predicted.columns) {
      throw new MetricShapeError(`${op}: yTrue is [${truth.rows},${truth.columns}], yPred is [${predicted.rows},${predicted.columns}]`);
    }
    if (truth.rows === 0) return this;
    if (this.columns.length > 0 && this.columns.length !== truth.columns) {
      throw new MetricShapeError(`${op}: batch has ${truth.columns} outputs, earlier batches had ${this.columns.length}`);
    }
    // Check every value before touching the sums so that a bad batch leaves them unchanged.
    for (let i = 0; i < truth.rows; i++) {
      for (let j = 0; j < truth.columns; j++) {
        const y = truth.at(i, j);
        const p = predicted.at(i, j);
        if (!Number.isFinite(y) || !Number.isFinite(p)) {
          throw new MetricInputError(`${op}: non-finite value at sample ${i}, output ${j} (yTrue ${y}, yPred ${p})`);
        }
      }
    }
    if (this.columns.length === 0) {
      this.columns = Array.from({ length: truth.columns }, () => ({
        samples: 0,
        sumAbsolute: 0,
        sumSquared: 0,
        sumPercentage: 0,
        sumSymmetric: 0,
        mean: 0,
        deviation: 0,
      }));
    }
    for (let j = 0; j < truth.columns; j++) this.updateColumn(this.columns[j]!, truth, predicted, j);
    return this;
  }

  private updateColumn(column: Column, truth: Matrix, predicted: Matrix, j: number): void {
    const n = truth.rows;
    let sumTrue = 0;
    for (let i = 0; i < n; i++) {
      const y = truth.at(i, j);
      const p = predicted.at(i, j);
      const error = Math.abs(y - p);
      column.sumAbsolute += error;
      column.sumSquared += error * error;
      column.sumPercentage += error / Math.max(Math.abs(y), EPSILON);
      column.sumSymmetric += (2 * error) / Math.max(Math.abs(y) + Math.abs(p), EPSILON);
      sumTrue += y;
    }
    // Two passes inside the batch (as sklearn), Chan et al.'s update across batches.
    const batchMean = sumTrue / n;
    let batchDeviation = 0;
    for (let i = 0; i < n; i++) batchDeviation += (truth.at(i, j) - batchMean) ** 2;
    const before = column.samples;
    const total = before + n;
    const delta = batchMean - column.mean;
    column.mean = before === 0 ? batchMean : column.mean + (delta * n) / total;
    column.deviation = before === 0 ? batchDeviation : column.deviation + batchDeviation + (delta * delta * before * n) / total;
    column.samples = total;
  }

  /** Samples seen so far. */
  get samples(): number {
    return this.columns[0]?.samples ?? 0;
  }

  meanAbsoluteError(options: { readonly multioutput: 'raw_values' }): number[];
  meanAbsoluteError(options?: MultioutputOptions): number;
  meanAbsoluteError(options: MultioutputOptions = {}): number | number[] {
    checkOptionKeys('meanAbsoluteError', options, ['multioutput']);
    return this.reduce('meanAbsoluteError', (c) => c.sumAbsolute / c.samples, options.multioutput);
  }

  meanSquaredError(options: { readonly multioutput: 'raw_values' }): number[];
  meanSquaredError(options?: MultioutputOptions): number;
  meanSquaredError(options: MultioutputOptions = {}): number | number[] {
    checkOptionKeys('meanSquaredError', options, ['multioutput']);
    return this.reduce('meanSquaredError', (c) => c.sumSquared / c.samples, options.multioutput);
  }

  /** sqrt(MSE) per column, then averaged: for 2-D targets not the sqrt of the overall MSE. */
  rootMeanSquaredError(options: { readonly multioutput: 'raw_values' }): number[];
  rootMeanSquaredError(options?: MultioutputOptions): number;
  rootMeanSquaredError(options: MultioutputOptions = {}): number | number[] {
    checkOptionKeys('rootMeanSquaredError', options, ['multioutput']);
    return this.reduce('rootMeanSquaredError', (c) => Math.sqrt(c.sumSquared / c.samples), options.multioutput);
  }

  meanAbsolutePercentageError(options: { readonly multioutput: 'raw_values' }): number[];
  meanAbsolutePercentageError(options?: MultioutputOptions): number;
  meanAbsolutePercentageError(options: MultioutputOptions = {}): number | number[] {
    checkOptionKeys('meanAbsolutePercentageError', options, ['multioutput']);
    return this.reduce('meanAbsolutePercentageError', (c) => c.sumPercentage / c.samples, options.multioutput);
  }

  symmetricMeanAbsolutePercentageError(options: { readonly multioutput: 'raw_values' }): number[];
  symmetricMeanAbsolutePercentageError(options?: MultioutputOptions): number;
  symmetricMeanAbsolutePercentageError(options: MultioutputOptions = {}): number | number[] {
    checkOptionKeys('symmetricMeanAbsolutePercentageError', options, ['multioutput']);
    return this.reduce('symmetricMeanAbsolutePercentageError', (c) => c.sumSymmetric / c.samples, options.multioutput);
  }

  /** R² = 1 - SS_res / SS_tot per column; NaN with fewer than two samples, as sklearn. */
  r2Score(options: { readonly multioutput: 'raw_values'; readonly forceFinite?: boolean }): number[];
  r2Score(options?: R2Options): number;
  r2Score(options: R2Options = {}): number | number[] {
    checkOptionKeys('r2Score', options, ['multioutput', 'forceFinite']);
    const forceFinite = options.forceFinite ?? true;
    const score = (c: Column): number => {
      if (c.samples < 2) return NaN;
      if (!forceFinite) return 1 - c.sumSquared / c.deviation;
      if (c.sumSquared === 0) return 1;
      return c.deviation === 0 ? 0 : 1 - c.sumSquared / c.deviation;
    };
    if (options.multioutput === 'variance_weighted') {
      this.checkSeen('r2Score');
      const weights = this.columns.map((c) => c.deviation);
      // All-constant targets give all-zero weights; sklearn falls back to uniform weights.
      const anyVariance = weights.some((w) => w !== 0);
      return this.reduce('r2Score', score, anyVariance ? weights : 'uniform_average');
    }
    return this.reduce('r2Score', score, options.multioutput);
  }

  compute(): RegressionReport {
    const raw = { multioutput: 'raw_values' } as const;
    return {
      samples: this.samples,
      meanAbsoluteError: this.meanAbsoluteError(),
      meanSquaredError: this.meanSquaredError(),
      rootMeanSquaredError: this.rootMeanSquaredError(),
      meanAbsolutePercentageError: this.meanAbsolutePercentageError(),
      symmetricMeanAbsolutePercentageError: this.symmetricMeanAbsolutePercentageError(),
      r2Score: this.r2Score(),
      rawValues: {
        meanAbsoluteError: this.meanAbsoluteError(raw),
        meanSquaredError: this.meanSquaredError(raw),
        rootMeanSquaredError: this.rootMeanSquaredError(raw),
        meanAbsolutePercentageError: this.meanAbsolutePercentageError(raw),
        symmetricMeanAbsolutePercentageError: this.symmetricMeanAbsolutePercentageError(raw),
        r2Score: this.r2Score(raw),
      },
    };
  }

  reset(): this {
    this.columns = [];
    return this;
  }

  private checkSeen(op: string): void {
    checkNonEmpty(op, 'the input', this.samples);
  }

  private reduce(op: string, perColumn: (column: Column) => number, multioutput: Multioutput = 'uniform_average'): number | number[] {
    this.checkSeen(op);
    const values = this.columns.map(perColumn);
    if (multioutput === 'raw_values') return values;
    if (typeof multioutput === 'string') {
      checkOneOf(op, 'multioutput', multioutput, ['uniform_average', 'raw_values']);
      return values.reduce((total, v) => total + v, 0) / values.length;
    }
    if (multioutput.length !== values.length) {
      throw new MetricShapeError(`${op}: multioutput has ${multioutput.length} weights for ${values.length} outputs`);
    }
    let weighted = 0;
    let totalWeight = 0;
    for (let j = 0; j < values.length; j++) {
      weighted += values[j]! * multioutput[j]!;
      totalWeight += multioutput[j]!;
    }
    if (totalWeight === 0) throw new MetricOptionError(`${op}: multioutput weights sum to 0`);
    return weighted / totalWeight;
  }
}

type RawOptions = { readonly multioutput: 'raw_values' };

function oneShot(op: string, yTrue: Targets, yPred: Targets): RegressionMetrics {
  const metrics = new RegressionMetrics().update(yTrue, yPred);
  checkNonEmpty(op, 'yTrue', metrics.samples);
  return metrics;
}

export function meanAbsoluteError(yTrue: Targets, yPred: Targets, options: RawOptions): number[];
export function meanAbsoluteError(yTrue: Targets, yPred: Targets, options?: MultioutputOptions): number;
export function meanAbsoluteError(yTrue: Targets, yPred: Targets, options: MultioutputOptions = {}): number | number[] {
  return oneShot('meanAbsoluteError', yTrue, yPred).meanAbsoluteError(options);
}

/** sklearn 1.2.1's `squared: false` gives the RMSE (per column, then averaged). */
export function meanSquaredError(yTrue: Targets, yPred: Targets, options: RawOptions & { readonly squared?: boolean }): number[];
export function meanSquaredError(yTrue: Targets, yPred: Targets, options?: MultioutputOptions & { readonly squared?: boolean }): number;
export function meanSquaredError(
  yTrue: Targets,
  yPred: Targets,
  options: MultioutputOptions & { readonly squared?: boolean } = {},
): number | number[] {
  checkOptionKeys('meanSquaredError', options, ['multioutput', 'squared']);
  const metrics = oneShot('meanSquaredError', yTrue, yPred);
  const rest = { multioutput: options.multioutput };
  return options.squared === false ? metrics.rootMeanSquaredError(rest) : metrics.meanSquaredError(rest);
}

export function rootMeanSquaredError(yTrue: Targets, yPred: Targets, options: RawOptions): number[];
export function rootMeanSquaredError(yTrue: Targets, yPred: Targets, options?: MultioutputOptions): number;
export function rootMeanSquaredError(yTrue: Targets, yPred: Targets, options: MultioutputOptions = {}): number | number[] {
  return oneShot('rootMeanSquaredError', yTrue, yPred).rootMeanSquaredError(options);
}

/** mean |e| / max(|yTrue|, eps): a fraction (0.05 is 5 %), as scikit-learn returns it. */
export function meanAbsolutePercentageError(yTrue: Targets, yPred: Targets, options: RawOptions): number[];
export function meanAbsolutePercentageError(yTrue: Targets, yPred: Targets, options?: MultioutputOptions): number;
export function meanAbsolutePercentageError(yTrue: Targets, yPred: Targets, options: MultioutputOptions = {}): number | number[] {
  return oneShot('meanAbsolutePercentageError', yTrue, yPred).meanAbsolutePercentageError(options);
}

/** mean 2|e| / max(|yTrue| + |yPred|, eps): a fraction in [0, 2]; 0 where both are 0. */
export function symmetricMeanAbsolutePercentageError(yTrue: Targets, yPred: Targets, options: RawOptions): number[];
export function symmetricMeanAbsolutePercentageError(yTrue: Targets, yPred: Targets, options?: MultioutputOptions): number;
export function symmetricMeanAbsolutePercentageError(yTrue: Targets, yPred: Targets, options: MultioutputOptions = {}): number | number[] {
  return oneShot('symmetricMeanAbsolutePercentageError', yTrue, yPred).symmetricMeanAbsolutePercentageError(options);
}

export function r2Score(yTrue: Targets, yPred: Targets, options: RawOptions & { readonly forceFinite?: boolean }): number[];
export function r2Score(yTrue: Targets, yPred: Targets, options?: R2Options): number;
export function r2Score(yTrue: Targets, yPred: Targets, options: R2Options = {}): number | number[] {
  return oneShot('r2Score', yTrue, yPred).r2Score(options);
}
