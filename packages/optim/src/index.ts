// @recur/optim: PyTorch's optimizers (SGD, Adam, AdamW, RMSprop, Adagrad) with parameter groups
// and state dicts, its LR schedulers with the same step protocol, and gradient clipping.

export {
  Optimizer,
  type GroupStateDict,
  type HyperValue,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type ParamsInput,
  type SchedulerFields,
} from './optimizer.js';
export { SGD, type SGDConfig, type SGDOptions, type SGDState } from './sgd.js';
export { Adam, AdamW, type AdamConfig, type AdamOptions, type AdamState } from './adam.js';
export { RMSprop, type RMSpropConfig, type RMSpropOptions, type RMSpropState } from './rmsprop.js';
export { Adagrad, type AdagradConfig, type AdagradOptions, type AdagradState } from './adagrad.js';
export { LRScheduler, SchedulerBase, type AnyOptimizer, type SchedulerStateDict } from './lr-scheduler.js';
export {
  StepLR,
  MultiStepLR,
  ExponentialLR,
  LinearLR,
  type StepLROptions,
  type MultiStepLROptions,
  type ExponentialLROptions,
  type LinearLROptions,
} from './decay-schedulers.js';
export {
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  type CosineAnnealingLROptions,
  type CosineAnnealingWarmRestartsOptions,
} from './cosine.js';
export { OneCycleLR, type AnnealStrategy, type OneCycleLROptions } from './one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { SequentialLR, type SequentialLROptions } from './sequential-lr.js';
export { clipGradNorm, clipGradNormAsync, clipGradValue, type ClipGradNormOptions } from './clip.js';
export {
  encodeCheckpoint,
  decodeCheckpoint,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointParts,
  type Stateful,
} from './checkpoint.js';
