// Streaming classification counts: update(yTrue, yPred) per batch, then accuracy, precision /
// recall / F1 and the confusion matrix exactly as scikit-learn 1.2.1 computes them on the whole.
// L a class label, tp true positives, C[i][j] samples of true label L_i predicted as L_j.

import { MetricInputError, MetricOptionError } from './errors.js';
import { compareLabels, labelKind, type Label, type LabelKind } from './labels.js';
import { averageScores, perClassScores, type PrfCounts, type PrfPerClass, type PrfScores } from './prf.js';
import type { MetricAccumulator } from './streaming.js';
import { checkOptionKeys, checkOneOf, checkSameLength, checkZeroDivision, describe, type ZeroDivision } from './validate.js';

/** sklearn's `average`; `null` means per-label arrays. */
export type ClassAverage = 'binary' | 'micro' | 'macro' | 'weighted';

export interface ClassificationOptions<L extends Label> {
  /** The labels to score, in this order; default the sorted union of the labels seen. */
  readonly labels?: readonly L[];
  /** The value of a precision or recall with a zero denominator: 0 (the default) or 1. */
  readonly zeroDivision?: ZeroDivision;
  /** The positive class for average 'binary'; default 1, as in scikit-learn. */
  readonly posLabel?: L;
}

export interface ScoreOptions<L extends Label> extends ClassificationOptions<L> {
  readonly average?: ClassAverage | null;
}

export interface PerLabelScores<L extends Label> extends PrfPerClass {
  readonly labels: L[];
}

export interface ClassificationReport<L extends Label> {
  readonly labels: L[];
  readonly samples: number;
  readonly accuracy: number;
  readonly perLabel: PerLabelScores<L>;
  readonly micro: PrfScores;
  readonly macro: PrfScores;
  readonly weighted: PrfScores;
  /** Present when the accumulator was given a `posLabel`. */
  readonly binary?: PrfScores;
  readonly confusionMatrix: number[][];
}

export interface ConfusionMatrixOptions<L extends Label> {
  /** Rows and columns, in this order; default the sorted union of the labels seen. */
  readonly labels?: readonly L[];
  /** Divide by true-label counts (rows), predicted-label counts (columns) or all samples. */
  readonly normalize?: 'true' | 'pred' | 'all' | null;
}

const AVERAGES: readonly (ClassAverage | null)[] = ['binary', 'micro', 'macro', 'weighted', null];

const increment = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

export class ClassificationMetrics<L extends Label = number> implements MetricAccumulator<
  [yTrue: ArrayLike<L>, yPred: ArrayLike<L>],
  ClassificationReport<L>
> {
  private readonly pairs = new Map<L, Map<L, number>>();
  private readonly truthTotals = new Map<L, number>();
  private readonly predictedTotals = new Map<L, number>();
  private correct = 0;
  private total = 0;
  private kind: LabelKind | undefined;
  private readonly zeroDivision: ZeroDivision;

  // NoInfer: `new ClassificationMetrics({ posLabel: 1 })` should mean number labels, not the literal 1.
  constructor(private readonly options: ClassificationOptions<NoInfer<L>> = {}) {
    checkOptionKeys('ClassificationMetrics', options, ['labels', 'zeroDivision', 'posLabel']);
    this.zeroDivision = checkZeroDivision('ClassificationMetrics', options.zeroDivision);
    if (options.labels) this.checkLabelList('ClassificationMetrics', options.labels);
  }

  /** Add one batch of true and predicted labels (equal lengths). */
  update(yTrue: ArrayLike<L>, yPred: ArrayLike<L>): this {
    const op = 'ClassificationMetrics.update';
    checkSameLength(op, ['yTrue', 'yPred'], yTrue, yPred);
    const kind = labelKind(op, 'yPred', yPred, labelKind(op, 'yTrue', yTrue, this.kind));
    this.kind = kind;
    for (let i = 0; i < yTrue.length; i++) {
      const truth = yTrue[i]!;
      const predicted = yPred[i]!;
      let row = this.pairs.get(truth);
      if (!row) this.pairs.set(truth, (row = new Map()));
      increment(row, predicted);
      increment(this.truthTotals, truth);
      increment(this.predictedTotals, predicted);
      if (truth === predicted) this.correct++;
    }
    this.total += yTrue.length;
    return this;
  }

  /** Samples seen so far. */
  get samples(): number {
    return this.total;
  }

  /** The labels in scoring order: the option's, else the sorted union of those seen. */
  labels(): L[] {
    return this.options.labels ? [...this.options.labels] : this.presentLabels();
  }

  /** Fraction of equal labels; with `normalize: false` their count (sklearn's normalize). */
  accuracy(options: { readonly normalize?: boolean } = {}): number {
    checkOptionKeys('accuracy', options, ['normalize']);
    this.checkSeen('accuracy');
    return options.normalize === false ? this.correct : this.correct / this.total;
  }

  /** Precision, recall and F1: per label (`average: null`, the default) or averaged. */
  scores(options: { readonly average?: null; readonly labels?: readonly L[] }): PerLabelScores<L>;
  scores(options: { readonly average: ClassAverage; readonly labels?: readonly L[] }): PrfScores;
  scores(options?: { readonly average?: ClassAverage | null; readonly labels?: readonly L[] }): PerLabelScores<L> | PrfScores;
  scores(options: { readonly average?: ClassAverage | null; readonly labels?: readonly L[] } = {}): PerLabelScores<L> | PrfScores {
    checkOptionKeys('scores', options, ['average', 'labels']);
    const op = 'scores';
    const average = options.average ?? null;
    checkOneOf(op, 'average', average, AVERAGES);
    this.checkSeen(op);
    let labels: readonly L[];
    if (average === 'binary') labels = this.binaryLabels(op);
    else if (options.labels) labels = this.checkLabelList(op, options.labels);
    else labels = this.labels();
    const counts = this.counts(labels);
    if (average === null) return { labels: [...labels], ...perClassScores(counts, this.zeroDivision) };
    return averageScores(counts, average === 'binary' ? 'macro' : average, this.zeroDivision);
  }

  /**
   * C[i][j] = samples with true label labels[i] predicted as labels[j]; `normalize` divides by the
   * row sums ('true'), column sums ('pred') or the total ('all'), a 0/0 giving 0 as in sklearn.
   */
  confusionMatrix(options: ConfusionMatrixOptions<L> = {}): number[][] {
    checkOptionKeys('confusionMatrix', options, ['labels', 'normalize']);
    const op = 'confusionMatrix';
    this.checkSeen(op);
    checkOneOf(op, 'normalize', options.normalize ?? null, ['true', 'pred', 'all', null]);
    const labels = options.labels ? this.checkLabelList(op, options.labels) : this.labels();
    if (!labels.some((label) => this.truthTotals.has(label))) {
      throw new MetricInputError(`${op}: none of the labels ${describe(labels)} occurs in yTrue; at least one must`);
    }
    const matrix = labels.map((truth) => labels.map((predicted) => this.pairs.get(truth)?.get(predicted) ?? 0));
    const divide = (count: number, total: number) => (total === 0 ? 0 : count / total);
    switch (options.normalize) {
      case 'true':
        return matrix.map((row) =>
          row.map((count) =>
            divide(
              count,
              row.reduce((a, b) => a + b, 0),
            ),
          ),
        );
      case 'pred': {
        const columns = labels.map((_, j) => matrix.reduce((sum, row) => sum + row[j]!, 0));
        return matrix.map((row) => row.map((count, j) => divide(count, columns[j]!)));
      }
      case 'all': {
        const total = matrix.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
        return matrix.map((row) => row.map((count) => divide(count, total)));
      }
      default:
        return matrix;
    }
  }

  compute(): ClassificationReport<L> {
    const labels = this.labels();
    const report: ClassificationReport<L> = {
      labels,
      samples: this.total,
      accuracy: this.accuracy(),
      perLabel: this.scores({ average: null }),
      micro: this.scores({ average: 'micro' }),
      macro: this.scores({ average: 'macro' }),
      weighted: this.scores({ average: 'weighted' }),
      confusionMatrix: this.confusionMatrix(),
    };
    return this.options.posLabel === undefined ? report : { ...report, binary: this.scores({ average: 'binary' }) };
  }

  reset(): this {
    this.pairs.clear();
    this.truthTotals.clear();
    this.predictedTotals.clear();
    this.correct = 0;
    this.total = 0;
    this.kind = undefined;
    return this;
  }

  private presentLabels(): L[] {
    return [...new Set([...this.truthTotals.keys(), ...this.predictedTotals.keys()])].sort(compareLabels);
  }

  private counts(labels: readonly L[]): PrfCounts {
    return {
      tp: labels.map((label) => this.pairs.get(label)?.get(label) ?? 0),
      predicted: labels.map((label) => this.predictedTotals.get(label) ?? 0),
      support: labels.map((label) => this.truthTotals.get(label) ?? 0),
    };
  }

  /** sklearn's rule: 'binary' needs at most two labels in yTrue ∪ yPred, and posLabel among them. */
  private binaryLabels(op: string): L[] {
    const present = this.presentLabels();
    if (present.length > 2) {
      throw new MetricOptionError(
        `${op}: average 'binary' needs at most 2 labels; got ${present.length} ${describe(present)} - use 'micro', 'macro', 'weighted' or null`,
      );
    }
    const positive = this.options.posLabel ?? (1 as L);
    if (present.length === 2 && !present.includes(positive)) {
      throw new MetricOptionError(`${op}: posLabel ${describe(positive)} is not a valid label; expected one of ${describe(present)}`);
    }
    return [positive];
  }

  private checkLabelList(op: string, labels: readonly L[]): readonly L[] {
    if (labels.length === 0) throw new MetricOptionError(`${op}: labels is empty; give at least one label`);
    labelKind(op, 'labels', labels, this.kind);
    if (new Set(labels).size !== labels.length) throw new MetricOptionError(`${op}: labels ${describe(labels)} has duplicates`);
    return labels;
  }

  private checkSeen(op: string): void {
    if (this.total === 0) throw new MetricInputError(`${op}: no samples; the metric is undefined for empty input`);
  }
}
