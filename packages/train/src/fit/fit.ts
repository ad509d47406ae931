// fit(model, options): the supervised loop PyTorch users write by hand, once. Per batch:
// zeroGrad → loss → backward → clip → callbacks → optimizer step (one scope each, so nothing
// leaks); per epoch: validation → scheduler → callbacks. Host reads are async, so it runs on
// any backend. Resume and early stopping are callbacks (checkpoint.ts, early-stopping.ts).
// A `trainStep` replaces loss → step for trainers that own their update (TruncatedBPTT).

import { clipGradNormAsync } from '@recur/optim';
import { ShapeError, Tensor, ValueError, checkOptions, describeValue, noGrad, scope } from '@recur/tensor';
import { checkDataSource, epochBatches, iterate } from './data.js';
import { evaluate, inEvalMode } from './evaluate.js';
import type { BatchInfo, Callback, DataSource, FitContext, FitModel, FitOptimizer, FitScheduler, Logs, ScheduleOptions } from './types.js';

export interface FitOptions<M extends FitModel, B> {
  readonly train: DataSource<B>;
  readonly validation?: DataSource<B>;
  /** The batch's mean loss as a scalar tensor (runs inside a scope: intermediates are freed). */
  readonly loss: (model: M, batch: B) => Tensor;
  readonly optimizer: FitOptimizer;
  /** A scheduler stepped once per epoch, or `{ scheduler, interval: 'epoch' | 'batch' | 'plateau', monitor? }`. */
  readonly scheduler?: FitScheduler | ScheduleOptions;
  readonly epochs: number;
  /** Max total gradient norm (clip_grad_norm_); absent: no clipping. */
  readonly clipGradNorm?: number;
  readonly callbacks?: readonly Callback<NoInfer<M>>[];
  /** Aborting stops fit between batches with the signal's reason. */
  readonly signal?: AbortSignal;
  /** A batch's number of samples: epoch losses become per-sample means (default: every batch weighs 1). */
  readonly batchSize?: (batch: B) => number;
  /**
   * Metrics of your own after each epoch (accuracy, perplexity, …), merged into the logs before
   * the scheduler and the callbacks see them; the model is in eval mode, and gradient
   * recording is off for its synchronous part (wrap work after an `await` in noGrad).
   */
  readonly validate?: (model: M, epoch: number) => Logs | Promise<Logs>;
}

/**
 * Your own update of a batch, for trainers that own their forward, backward, clipping and
 * optimizer step (TruncatedBPTT). Call `afterBackward(loss, gradNorm?)` between each backward and
 * its optimizer step, so callbacks see the gradients (terminateOnNonFinite); resolve to the
 * batch's mean loss.
 */
export type TrainStep<M extends FitModel, B> = (
  model: M,
  batch: B,
  afterBackward: (loss: number, gradNorm?: number) => Promise<void>,
) => Promise<number>;

/** fit's options with a `trainStep` in place of `loss` (no `clipGradNorm`: the trainer clips; no `validation`: score in `validate`). */
export type TrainStepFitOptions<M extends FitModel, B> = Omit<FitOptions<M, B>, 'loss' | 'clipGradNorm' | 'validation'> & {
  readonly trainStep: TrainStep<M, B>;
};

/** Either kind of options, as fit reads them. */
type AnyFitOptions<M extends FitModel, B> = Omit<FitOptions<M, B>, 'loss'> & {
  readonly loss?: FitOptions<M, B>['loss'];
  readonly trainStep?: TrainStep<M, B>;
};

export interface FitResult {
  /** One record per finished epoch (loss, valLoss, lr and what callbacks added). */
  readonly history: readonly Logs[];
  /** Optimizer steps taken over the whole fit (a resumed fit counts the earlier ones). */
  readonly steps: number;
  /** Why fit stopped before `epochs` (early stopping), if it did. */
  readonly stopReason?: string;
}

/** What a resume restores (written by checkpoint callbacks). */
export interface ResumeState {
  /** The next epoch to run. */
  readonly epoch: number;
  readonly step: number;
  readonly history: readonly Logs[];
  /** Batches of `epoch` already done (a save inside an epoch): fit skips them. Default 0. */
  readonly batch?: number;
  /** That epoch's loss so far: Σ loss·size over the done batches, and Σ size. Default 0. */
  readonly lossSum?: number;
  readonly lossWeight?: number;
}

/** The context handed to every hook, plus what fit itself reads back. */
export interface LoopContext<M extends FitModel> extends FitContext<M> {
  readonly callbacks: readonly Callback<M>[];
  /** Continue from a saved state (checkpoint callbacks call it in onTrainBegin). */
  resume(state: ResumeState): void;
}

const FIT_KEYS = [
  'train',
  'validation',
  'loss',
  'trainStep',
  'optimizer',
  'scheduler',
  'epochs',
  'clipGradNorm',
  'callbacks',
  'signal',
  'batchSize',
  'validate',
] as const;

/** Milliseconds of work between turns of the event loop. */
const TURN_MS = 20;

/**
 * Let the event loop turn now and then: timers and abort handlers run, a page stays responsive,
 * and the finalizers that free unreachable tensors (the batches' own) get their chance; a
 * resolved `await` alone runs only microtasks, so an all-CPU loop would never let them run.
 */
function eventLoopTurns(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < TURN_MS) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}
const HOOKS = ['onTrainBegin', 'onEpochBegin', 'onAfterBackward', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd', 'stateDict', 'loadStateDict'];

function checkSchedule(scheduler: AnyFitOptions<FitModel, unknown>['scheduler'], hasValidation: boolean): ScheduleOptions | undefined {
  if (scheduler === undefined) return undefined;
  if (scheduler !== null && typeof scheduler === 'object' && 'interval' in scheduler) {
    const s = checkOptions('fit: scheduler', scheduler, ['scheduler', 'interval', 'monitor']);
    if (!['epoch', 'batch', 'plateau'].includes(s.interval)) {
      throw new ValueError(`fit: scheduler.interval must be 'epoch', 'batch' or 'plateau'; got ${describeValue(s.interval)}`);
    }
    if (typeof s.scheduler?.step !== 'function')
      throw new ValueError(`fit: scheduler.scheduler must have a step() method; got ${describeValue(s.scheduler)}`);
    return { ...s, monitor: s.monitor ?? (hasValidation ? 'valLoss' : 'loss') };
  }
  if (typeof (scheduler as FitScheduler | null)?.step !== 'function') {
    throw new ValueError(`fit: 'scheduler' must have a step() method or be { scheduler, interval }; got ${describeValue(scheduler)}`);
  }
  return { scheduler: scheduler as FitScheduler, interval: 'epoch' };
}

function checkFitOptions<M extends FitModel, B>(model: M, options: AnyFitOptions<M, B>): ScheduleOptions | undefined {
  checkOptions('fit', options, FIT_KEYS);
  if (model === null || typeof model !== 'object' || typeof model.namedParameters !== 'function') {
    throw new ValueError(`fit: expected a model (a Module: namedParameters, stateDict, train); got ${describeValue(model)}`);
  }
  checkDataSource('fit', 'train', options.train);
  if (options.validation !== undefined) checkDataSource('fit', 'validation', options.validation);
  checkStep(options);
  const opt = options.optimizer;
  if (opt === null || typeof opt !== 'object' || typeof opt.step !== 'function' || typeof opt.zeroGrad !== 'function') {
    throw new ValueError(`fit: 'optimizer' must be an optimizer (step, zeroGrad); got ${describeValue(opt)}`);
  }
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new ValueError(`fit: 'epochs' must be a positive integer; got ${describeValue(options.epochs)}`);
  }
  const clip = options.clipGradNorm;
  if (clip !== undefined && !(typeof clip === 'number' && clip > 0 && Number.isFinite(clip))) {
    throw new ValueError(`fit: 'clipGradNorm' must be a positive finite number; got ${describeValue(clip)}`);
  }
  const callbacks = options.callbacks ?? [];
  if (!Array.isArray(callbacks)) throw new ValueError(`fit: 'callbacks' must be an array; got ${describeValue(callbacks)}`);
  callbacks.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object')
      throw new ValueError(`fit: callbacks[${i}] must be an object of hooks; got ${describeValue(cb)}`);
    for (const key of Object.keys(cb)) {
      if (HOOKS.includes(key) && typeof (cb as Record<string, unknown>)[key] !== 'function') {
        throw new ValueError(`fit: callbacks[${i}].${key} must be a function; got ${describeValue((cb as Record<string, unknown>)[key])}`);
      }
    }
  });
  if (options.validate !== undefined && typeof options.validate !== 'function') {
    throw new ValueError(`fit: 'validate' must be a function (model, epoch) => logs; got ${describeValue(options.validate)}`);
  }
  if (options.batchSize !== undefined && typeof options.batchSize !== 'function') {
    throw new ValueError(`fit: 'batchSize' must be a function batch => number of samples; got ${describeValue(options.batchSize)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new ValueError(`fit: 'signal' must be an AbortSignal; got ${describeValue(options.signal)}`);
  }
  return checkSchedule(options.scheduler, options.validation !== undefined);
}

function checkStep<M extends FitModel, B>(options: AnyFitOptions<M, B>): void {
  const { loss, trainStep } = options;
  if (trainStep === undefined) {
    if (typeof loss !== 'function')
      throw new ValueError(`fit: 'loss' must be a function (model, batch) => scalar tensor; got ${describeValue(loss)}`);
    return;
  }
  if (typeof trainStep !== 'function')
    throw new ValueError(`fit: 'trainStep' must be a function (model, batch, afterBackward) => loss; got ${describeValue(trainStep)}`);
  if (loss !== undefined) throw new ValueError("fit: give 'loss' or 'trainStep', not both");
  if (options.clipGradNorm !== undefined) throw new ValueError("fit: 'clipGradNorm' does not apply to a trainStep (it clips itself)");
  if (options.validation !== undefined)
    throw new ValueError("fit: 'validation' needs 'loss' to score its batches; with a trainStep, compute validation metrics in 'validate'");
}

/** The batch's loss as a detached scalar, after backward. */
function lossAndBackward<M extends FitModel, B>(
  model: M,
  batch: B,
  optimizer: FitOptimizer,
  lossFn: NonNullable<FitOptions<M, B>['loss']>,
  where: string,
): Tensor {
  return scope(() => {
    optimizer.zeroGrad();
    const loss = lossFn(model, batch);
    if (!(loss instanceof Tensor)) throw new ValueError(`fit: loss must return a scalar tensor; got ${describeValue(loss)} at ${where}`);
    if (loss.size !== 1)
      throw new ShapeError(`fit: loss must return a one-element tensor; got shape [${loss.shape.join(',')}] at ${where}`);
    loss.backward();
    return loss.detach();
  });
}

function checkLogs(logs: unknown, epoch: number): Logs {
  if (logs === null || typeof logs !== 'object' || Array.isArray(logs)) {
    throw new ValueError(`fit: validate must return logs (an object of numbers); got ${describeValue(logs)} after epoch ${epoch}`);
  }
  for (const [key, value] of Object.entries(logs)) {
    if (typeof value !== 'number')
      throw new ValueError(`fit: validate's log '${key}' must be a number; got ${describeValue(value)} after epoch ${epoch}`);
  }
  return logs as Logs;
}

function checkedSize(size: number, where: string): number {
  if (!(typeof size === 'number' && size > 0 && Number.isFinite(size))) {
    throw new ValueError(`fit: batchSize(batch) must be a positive number; got ${describeValue(size)} at ${where}`);
  }
  return size;
}

/** Train `model` for `epochs`; resolves to the history of epoch logs. */
export function fit<M extends FitModel, B>(model: M, options: FitOptions<M, B>): Promise<FitResult>;
/** Train with your own update per batch (`trainStep`, e.g. TruncatedBPTT's) in place of loss → backward → clip → step. */
export function fit<M extends FitModel, B>(model: M, options: TrainStepFitOptions<M, B>): Promise<FitResult>;
export async function fit<M extends FitModel, B>(model: M, options: AnyFitOptions<M, B>): Promise<FitResult> {
  const schedule = checkFitOptions(model, options);
  const { train, validation, loss, trainStep, optimizer, epochs, clipGradNorm, signal, batchSize, validate } = options;
  const turn = eventLoopTurns();
  const callbacks = options.callbacks ?? [];
  const history: Logs[] = [];
  let epoch = 0;
  let step = 0;
  let stopReason: string | undefined;
  // A resume inside an epoch: its done batches are skipped and its loss so far carried over.
  let resumeBatch = 0;
  let resumeSum = 0;
  let resumeWeight = 0;
  const ctx: LoopContext<M> = {
    model,
    optimizer,
    scheduler: schedule?.scheduler,
    epochs,
    callbacks,
    get epoch() {
      return epoch;
    },
    get step() {
      return step;
    },
    history,
    stop(reason: string) {
      stopReason ??= reason;
    },
    resume(state: ResumeState) {
      epoch = state.epoch;
      step = state.step;
      history.splice(0, history.length, ...state.history);
      resumeBatch = state.batch ?? 0;
      resumeSum = state.lossSum ?? 0;
      resumeWeight = state.lossWeight ?? 0;
    },
  };
  const run = async <K extends 'onTrainBegin' | 'onEpochBegin' | 'onAfterBackward' | 'onBatchEnd' | 'onEpochEnd'>(
    hook: K,
    arg?: BatchInfo | Logs,
  ): Promise<void> => {
    for (const cb of callbacks) await (cb[hook] as ((c: FitContext<M>, a?: unknown) => unknown) | undefined)?.call(cb, ctx, arg);
  };
  const params = model
    .namedParameters()
    .map(([, p]) => p)
    .filter((p) => p.requiresGrad);
  let error: unknown;
  try {
    signal?.throwIfAborted();
    model.train(true);
    await run('onTrainBegin');
    for (; epoch < epochs && stopReason === undefined; epoch++) {
      signal?.throwIfAborted();
      await run('onEpochBegin');
      model.train(true);
      const lr = optimizer.paramGroups[0]?.lr ?? NaN;
      let sum = resumeSum;
      let weight = resumeWeight;
      let batch = 0;
      const skip = resumeBatch;
      resumeBatch = resumeSum = resumeWeight = 0;
      for await (const data of iterate(epochBatches(train, epoch))) {
        if (batch < skip) {
          batch++;
          continue;
        }
        signal?.throwIfAborted();
        const where = `epoch ${epoch}, batch ${batch} (step ${step})`;
        const w = batchSize ? checkedSize(batchSize(data), where) : 1;
        const afterBackward = (value: number, gradNorm?: number) =>
          run('onAfterBackward', { batch, loss: value, size: w, ...(gradNorm !== undefined ? { gradNorm } : {}) });
        let value: number;
        if (trainStep) {
          value = await trainStep(model, data, afterBackward);
          if (typeof value !== 'number')
            throw new ValueError(`fit: trainStep must resolve to the batch's loss (a number); got ${describeValue(value)} at ${where}`);
        } else {
          const lossTensor = lossAndBackward(model, data, optimizer, loss!, where);
          try {
            value = (await lossTensor.data())[0]!;
          } finally {
            lossTensor.dispose();
          }
          await afterBackward(value, clipGradNorm !== undefined ? await clipGradNormAsync(params, clipGradNorm) : undefined);
          scope(() => void optimizer.step());
        }
        if (schedule?.interval === 'batch') schedule.scheduler.step();
        step++;
        sum += value * w;
        weight += w;
        const info: BatchInfo = { batch, loss: value, size: w };
        batch++;
        await run('onBatchEnd', info);
        await turn();
      }
      if (batch === 0) {
        const hint = epoch > 0 ? ' (a generator object runs once: pass a function (epoch) => batches, or an array)' : '';
        throw new ValueError(`fit: 'train' gave no batches in epoch ${epoch}${hint}`);
      }
      const logs: Logs = { loss: sum / weight, lr };
      if (validation !== undefined) {
        logs.valLoss = (
          await evaluate(model, {
            data: validation,
            loss: loss!,
            epoch,
            ...(signal ? { signal } : {}),
            ...(batchSize ? { batchSize } : {}),
          })
        ).loss;
      }
      if (validate) Object.assign(logs, checkLogs(await inEvalMode(model, async () => noGrad(() => validate(model, epoch))), epoch));
      if (schedule?.interval === 'epoch') schedule.scheduler.step();
      if (schedule?.interval === 'plateau') {
        const metric = logs[schedule.monitor!];
        if (metric === undefined)
          throw new ValueError(
            `fit: the scheduler monitors '${schedule.monitor}', which the logs lack (they have ${Object.keys(logs).join(', ')})`,
          );
        schedule.scheduler.step(metric);
      }
      history.push(logs);
      await run('onEpochEnd', logs);
    }
  } catch (e) {
    error = e;
    throw e;
  } finally {
    model.train(true);
    for (const cb of callbacks) await cb.onTrainEnd?.(ctx, error === undefined ? {} : { error });
  }
  return { history, steps: step, ...(stopReason !== undefined ? { stopReason } : {}) };
}
