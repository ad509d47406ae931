// Precision, recall and F1 from per-class counts, averaged as scikit-learn 1.2.1 does
// (precision_recall_fscore_support). tp true positives, P precision, R recall, F1 = 2PR/(P+R).

import { ratio } from './numeric.js';
import type { ZeroDivision } from './validate.js';

/** Per-class counts: tp, predicted (tp + fp) and support (tp + fn), index-aligned. */
export interface PrfCounts {
  readonly tp: readonly number[];
  readonly predicted: readonly number[];
  readonly support: readonly number[];
}

export interface PrfScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface PrfPerClass {
  readonly precision: number[];
  readonly recall: number[];
  readonly f1: number[];
  readonly support: number[];
}

export type PrfAverage = 'micro' | 'macro' | 'weighted';

function f1Of(precision: number, recall: number): number {
  // sklearn 1.2.1 takes F from P and R after zero-division substitution; P + R = 0 gives 0.
  const denominator = precision + recall;
  return (2 * precision * recall) / (denominator === 0 ? 1 : denominator);
}

export function perClassScores(counts: PrfCounts, zeroDivision: ZeroDivision): PrfPerClass {
  const precision = counts.tp.map((tp, i) => ratio(tp, counts.predicted[i]!, zeroDivision));
  const recall = counts.tp.map((tp, i) => ratio(tp, counts.support[i]!, zeroDivision));
  const f1 = precision.map((p, i) => f1Of(p, recall[i]!));
  return { precision, recall, f1, support: [...counts.support] };
}

const sum = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);

export function averageScores(counts: PrfCounts, average: PrfAverage, zeroDivision: ZeroDivision): PrfScores {
  if (average === 'micro') {
    const tp = sum(counts.tp);
    const precision = ratio(tp, sum(counts.predicted), zeroDivision);
    const recall = ratio(tp, sum(counts.support), zeroDivision);
    return { precision, recall, f1: f1Of(precision, recall) };
  }
  const classes = counts.tp.length;
  if (classes === 0) return { precision: zeroDivision, recall: zeroDivision, f1: zeroDivision };
  const scores = perClassScores(counts, zeroDivision);
  if (average === 'macro') {
    return { precision: sum(scores.precision) / classes, recall: sum(scores.recall) / classes, f1: sum(scores.f1) / classes };
  }
  const totalSupport = sum(counts.support);
  if (totalSupport === 0) {
    // sklearn's special case: no true samples of any class, so the weights are all zero.
    return sum(counts.predicted) === 0
      ? { precision: zeroDivision, recall: zeroDivision, f1: zeroDivision }
      : { precision: 0, recall: zeroDivision, f1: 0 };
  }
  const weighted = (values: readonly number[]) => sum(values.map((v, i) => v * counts.support[i]!)) / totalSupport;
  return { precision: weighted(scores.precision), recall: weighted(scores.recall), f1: weighted(scores.f1) };
}
