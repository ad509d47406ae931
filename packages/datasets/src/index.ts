// @recur/datasets: datasets of plain JS records, a DataLoader with seeded shuffling, padding
// collate and length bucketing, streaming CSV/JSONL readers, time-series windows, splits and
// scalers. File readers (CSV, JSONL) are Node-only: `@recur/datasets/node`. Real corpora live
// behind their own entry points (@recur/datasets/corpora/*).

export { ArrayDataset, MappedDataset, Subset, collect, iterateDataset, type Dataset, type IterableDataset } from './dataset.js';
export { DataLoader, type DataLoaderOptions, type PaddingReport } from './data-loader.js';
export { planBatches, paddingStats, type BatchPlanOptions, type PaddingStats } from './batch-plan.js';
export { batchStream, type BatchStreamOptions } from './batch-stream.js';
export {
  padCollate,
  padSequences,
  type PadCollateOptions,
  type PaddedBatch,
  type PaddedInputs,
  type Sequence,
  type SequenceDType,
  type SequenceExample,
} from './collate.js';
export { slidingWindows, windowCollate, WindowDataset, type Window, type WindowBatch, type WindowOptions } from './windows.js';
export { trainValTestSplit, hashSplit, splitOfKey, type SplitFractions, type SplitName, type Splits } from './split.js';
export { StandardScaler, MinMaxScaler, type MinMaxScalerOptions, type ScalerInput, type ScalerOutput } from './scalers.js';
export { mixSeed, mulberry32, hashString, permutation, shuffleInPlace, type Random } from './random.js';
