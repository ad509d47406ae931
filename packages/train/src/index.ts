// @recur/train: learning as data arrives — truncated BPTT(k1, k2) over a RecurrentStream
// (@recur/cells), with prequential evaluation (predict first, then learn from the truth).

export {
  TruncatedBPTT,
  type TruncatedBPTTOptions,
  type StepLoss,
  type StepResult,
  type LearnResult,
  type UpdateInfo,
} from './truncated-bptt.js';
export { type RunningMetrics } from './running-metrics.js';
export * from './fit/index.js';
export * from './worker/index.js';
