// One-shot classification metrics with scikit-learn 1.2.1's names and defaults (camelCase):
// accuracyScore, precisionRecallFscoreSupport, precisionScore, recallScore, f1Score,
// confusionMatrix. L a class label; every function runs ClassificationMetrics on one batch.

import {
  ClassificationMetrics,
  type ClassAverage,
  type ConfusionMatrixOptions,
  type PerLabelScores,
  type ScoreOptions,
} from './classification-metrics.js';
import type { Label } from './labels.js';
import type { PrfScores } from './prf.js';
import { checkOptionKeys } from './validate.js';

type PerLabelOptions<L extends Label> = ScoreOptions<L> & { readonly average: null };
type AveragedOptions<L extends Label> = ScoreOptions<L> & { readonly average?: ClassAverage };

function metrics<L extends Label>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options: ScoreOptions<L>): ClassificationMetrics<L> {
  const { labels, zeroDivision, posLabel } = options;
  return new ClassificationMetrics<L>({ labels, zeroDivision, posLabel }).update(yTrue, yPred);
}

/** Fraction of samples whose predicted label equals the true label (their count with normalize false). */
export function accuracyScore<L extends Label>(
  yTrue: ArrayLike<L>,
  yPred: ArrayLike<L>,
  options: { readonly normalize?: boolean } = {},
): number {
  return metrics(yTrue, yPred, {}).accuracy(options);
}

/** sklearn's precision_recall_fscore_support; `average` defaults to null (per-label arrays with support). */
export function precisionRecallFscoreSupport<L extends Label>(
  yTrue: ArrayLike<L>,
  yPred: ArrayLike<L>,
  options?: ScoreOptions<L> & { readonly average?: null },
): PerLabelScores<L>;
export function precisionRecallFscoreSupport<L extends Label>(
  yTrue: ArrayLike<L>,
  yPred: ArrayLike<L>,
  options: ScoreOptions<L> & { readonly average: ClassAverage },
): PrfScores;
export function precisionRecallFscoreSupport<L extends Label>(
  yTrue: ArrayLike<L>,
  yPred: ArrayLike<L>,
  options?: ScoreOptions<L>,
): PerLabelScores<L> | PrfScores;
export function precisionRecallFscoreSupport<L extends Label>(
  yTrue: ArrayLike<L>,
  yPred: ArrayLike<L>,
  options: ScoreOptions<L> = {},
): PerLabelScores<L> | PrfScores {
  checkOptionKeys('precisionRecallFscoreSupport', options, ['labels', 'zeroDivision', 'posLabel', 'average']);
  return metrics(yTrue, yPred, options).scores({ average: options.average ?? null, labels: options.labels });
}

function oneScore<L extends Label>(
  key: 'precision' | 'recall' | 'f1',
  yTrue: ArrayLike<L>,
  yPred: ArrayLike<L>,
  options: ScoreOptions<L>,
): number | number[] {
  checkOptionKeys(`${key}Score`, options, ['labels', 'zeroDivision', 'posLabel', 'average']);
  // sklearn's precision_score / recall_score / f1_score default to average='binary'.
  const average = options.average === undefined ? 'binary' : options.average;
  const scores = metrics(yTrue, yPred, options).scores({ average, labels: options.labels });
  return scores[key];
}

export function precisionScore<L extends Label>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options: PerLabelOptions<L>): number[];
export function precisionScore<L extends Label>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options?: AveragedOptions<L>): number;
export function precisionScore<L extends Label>(
  yTrue: ArrayLike<L>,
  yPred: ArrayLike<L>,
  options: ScoreOptions<L> = {},
): number | number[] {
  return oneScore('precision', yTrue, yPred, options);
}

export function recallScore<L extends Label>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options: PerLabelOptions<L>): number[];
export function recallScore<L extends Label>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options?: AveragedOptions<L>): number;
export function recallScore<L extends Label>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options: ScoreOptions<L> = {}): number | number[] {
  return oneScore('recall', yTrue, yPred, options);
}

export function f1Score<L extends Label>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options: PerLabelOptions<L>): number[];
export function f1Score<L extends Label>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options?: AveragedOptions<L>): number;
export function f1Score<L extends Label>(yTrue: ArrayLike<L>, yPred: ArrayLike<L>, options: ScoreOptions<L> = {}): number | number[] {
  return oneScore('f1', yTrue, yPred, options);
}

/** Rows are true labels, columns predicted labels, both in `labels` order (default: sorted union). */
export function confusionMatrix<L extends Label>(
  yTrue: ArrayLike<L>,
  yPred: ArrayLike<L>,
  options: ConfusionMatrixOptions<L> = {},
): number[][] {
  return metrics(yTrue, yPred, {}).confusionMatrix(options);
}
