// The spam sample's metrics: accuracy and binary F1 with spam (label 1) as the positive class.

import { accuracyScore, f1Score } from '@recur/metrics';

export function classificationMetrics(truth: readonly number[], predicted: readonly number[]): { accuracy: number; f1: number } {
  return { accuracy: accuracyScore(truth, predicted), f1: f1Score(truth, predicted, { average: 'binary', posLabel: 1, labels: [0, 1] }) };
}
