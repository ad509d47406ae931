// @recur/metrics: classification, regression and sequence metrics on plain and typed arrays,
// matching scikit-learn 1.2.1 and NLTK 3.8 (BLEU, edit distance), each with a streaming
// accumulator (update per batch, compute at the end). No tensor dependency.

export { MetricError, MetricInputError, MetricOptionError, MetricShapeError } from './errors.js';
export type { MetricAccumulator } from './streaming.js';
export { accumulate } from './streaming.js';
export type { ZeroDivision } from './validate.js';
export { fsum } from './numeric.js';

export { compareCodePoints, uniqueLabels, type Label } from './labels.js';
export type { PrfAverage, PrfPerClass, PrfScores } from './prf.js';
export {
  ClassificationMetrics,
  type ClassAverage,
  type ClassificationOptions,
  type ClassificationReport,
  type ConfusionMatrixOptions,
  type PerLabelScores,
  type ScoreOptions,
} from './classification-metrics.js';
export { accuracyScore, confusionMatrix, f1Score, precisionRecallFscoreSupport, precisionScore, recallScore } from './classification.js';

export {
  RegressionMetrics,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
  symmetricMeanAbsolutePercentageError,
  type Multioutput,
  type MultioutputOptions,
  type R2Options,
  type RegressionReport,
  type RegressionScores,
  type Targets,
} from './regression.js';
export { PerplexityAccumulator, perplexity, type NllBatch } from './perplexity.js';

export { extractChunks, type Chunk } from './chunks.js';
export { ChunkF1Accumulator, chunkF1, type ChunkF1Options, type ChunkReport, type ChunkTypeScores } from './chunk-f1.js';

export {
  BleuAccumulator,
  brevityPenalty,
  closestReferenceLength,
  corpusBleu,
  modifiedPrecision,
  sentenceBleu,
  type BleuOptions,
  type BleuStats,
  type Token,
  type Tokens,
} from './bleu.js';
export { FLOAT_MIN, type BleuSmoothing, type Precision } from './bleu-smoothing.js';
export { RougeAccumulator, lcsLength, rouge, rougeL, rougeN, type RougeScore, type RougeScores, type RougeType } from './rouge.js';
export {
  ErrorRateAccumulator,
  charErrorRate,
  corpusErrorRate,
  editDistance,
  errorRate,
  phonemeErrorRate,
  tokenize,
  wordErrorRate,
  type EditDistanceOptions,
  type ErrorRate,
  type ErrorUnit,
  type Sequence,
} from './edit-distance.js';
