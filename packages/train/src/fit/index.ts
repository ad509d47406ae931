// The training API: fit / evaluate / predict, callbacks, summary.

export {
  fit,
  type FitOptions,
  type FitResult,
  type LoopContext,
  type ResumeState,
  type TrainStep,
  type TrainStepFitOptions,
} from './fit.js';
export { evaluate, predict, type EvaluateOptions, type PredictOptions } from './evaluate.js';
export { earlyStopping, type EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { checkpoint, type Checkpoint, type CheckpointOptions } from './checkpoint.js';
export { terminateOnNonFinite, NonFiniteError, type TerminateOnNonFiniteOptions } from './non-finite.js';
export { progress, type ProgressEvent } from './progress.js';
export { summary, type ModelSummary, type SummaryModule, type SummaryRow } from './summary.js';
export type { BatchInfo, Callback, DataSource, FitContext, FitModel, FitOptimizer, FitScheduler, Logs, ScheduleOptions } from './types.js';
export type { Mode } from './monitor.js';
