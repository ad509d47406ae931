// @recur/sample-core: the Task interface the Recur samples implement, the callbacks and batches
// that make @recur/train's fit a task run, config merging, task checkpoints and the runner the
// `recur` CLI drives.

export type {
  BaseConfig,
  ConfigValue,
  CreateOptions,
  Evaluation,
  FitProgress,
  HeatmapPlot,
  JsonValue,
  LinePlot,
  OnnxExample,
  Plot,
  Prediction,
  StreamOptions,
  StreamStep,
  Task,
  TaskConfig,
  TaskFitOptions,
  TaskMetric,
  TaskRun,
  TrainContext,
  TrainState,
  ValueStream,
} from './task.js';
export type {
  BatchEvent,
  CheckpointEvent,
  EpochEvent,
  EpochRecord,
  EpochStartEvent,
  InterruptedEvent,
  Metrics,
  NoteEvent,
  Reporter,
  StartEvent,
  SummaryEvent,
  TrainEvent,
} from './events.js';
export { CheckpointError, ConfigError, InputError, OutputDirError, TrainingDivergedError } from './errors.js';
export { makeDirectories, prepareOutputDir, removeEmptyDirectories } from './output-dir.js';
export { parseConfigFile, resolveConfig, type ConfigLayer } from './config.js';
export { taskBatches, type TaskBatches, type TaskBatchesOptions } from './task-batches.js';
export {
  CHECKPOINT_FILE,
  TASK_CHECKPOINT_KIND,
  TASK_CHECKPOINT_VERSION,
  readTaskCheckpoint,
  type TaskCheckpoint,
  type TaskCheckpointMeta,
} from './checkpoint-file.js';
export { evaluateCheckpoint, openCheckpoint, trainTask, type TrainOutcome, type TrainTaskOptions } from './runner.js';
export { lossPlot } from './loss-plot.js';
