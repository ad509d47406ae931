// The usual supervised training loop for a TaskRun: per batch zeroGrad → loss → backward →
// clipGradNorm → optimizer step, per epoch scheduler step → validation → checkpoint, with
// resume (mid-epoch too) and Ctrl-C handled through the TrainContext. Backend-agnostic: host
// reads are async and clipping uses clipGradNormAsync, so WebGPU works as well as the CPU.
// A run that diverges (non-finite loss, gradient norm or weights, or a loss 1e4 times the first)
// stops with a TrainingDivergedError before it validates or saves anything from the broken weights.

import { clipGradNormAsync, type Optimizer, type Stateful } from '@recur/optim';
import { ValueError, scope, type Tensor } from '@recur/tensor';
import type { Module } from '@recur/cells';
import { TrainingDivergedError } from './errors.js';
import type { EpochRecord, Metrics } from './events.js';
import { firstNonFiniteParameter } from './finite.js';
import type { FitProgress, TaskMetric, TrainContext, TrainResult, TrainState } from './task.js';

export interface Validation {
  readonly loss: number;
  readonly metrics: Metrics;
}

export interface FitOptions<B> {
  readonly context: TrainContext;
  readonly model: Module;
  readonly optimizer: Optimizer;
  /** Stepped once per epoch (StepLR and friends); its lr is reported from the optimizer. */
  readonly scheduler?: Stateful & { step(): void };
  readonly epochs: number;
  readonly metric: TaskMetric;
  /** Dataset indices of each batch of `epoch` (a DataLoader's batchIndices: seeded, so resumable). */
  readonly batchIndices: (epoch: number) => number[][];
  /** Indices → a batch (tensors the loop frees with disposeBatch). */
  readonly makeBatch: (indices: number[]) => B;
  readonly disposeBatch?: (batch: B) => void;
  /** The mean loss of a batch as a scalar tensor; runs inside a scope, so intermediates are freed. */
  readonly loss?: (batch: B) => Tensor;
  /**
   * Instead of `loss`: the caller's own update of a batch (e.g. @recur/train's TruncatedBPTT,
   * which owns its forward, backward, clipping and optimizer step); it calls `check(loss,
   * gradNorm)` before its optimizer step (so a diverged batch stops the run with the weights
   * of the last good one) and resolves to the batch's mean loss. `clipNorm` is not applied.
   */
  readonly update?: (batch: B, check: (loss: number, gradNorm: number | null) => void) => Promise<number>;
  /** Validation loss and metrics after each epoch (model in eval mode). */
  readonly validate: () => Promise<Validation>;
  /** Max gradient norm (clip_grad_norm_); 0 turns clipping off. Default 1. */
  readonly clipNorm?: number;
  /**
   * A batch loss this many times the run's first one counts as diverged, as a non-finite one
   * does: a blown-up model can keep a finite loss (1e30 with lr 1e30). 0 turns it off. Default 1e4.
   */
  readonly divergenceFactor?: number;
}

export const DEFAULT_DIVERGENCE_FACTOR = 1e4;

/** Let pending events (a SIGINT handler) run; microtasks alone would starve them. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** 1-based position in the run, for messages: "epoch 2, batch 5/34". */
const at = (epoch: number, batch: number, batches: number) => `epoch ${epoch + 1}, batch ${batch}/${batches}`;

function diverged(what: string, where: string, lr: number): TrainingDivergedError {
  return new TrainingDivergedError(`training diverged: ${what} at ${where} (lr ${lr}); try a lower --lr`);
}

/** Throws when a parameter is no longer finite (an optimizer step can overflow a finite loss). */
async function checkWeights(model: Module, where: string, lr: number): Promise<void> {
  const broken = await firstNonFiniteParameter(model);
  if (broken) throw diverged(`weight '${broken.name}' is non-finite (${broken.count} of ${broken.size} values)`, where, lr);
}

/** zeroGrad → loss → backward → clip → check, for the optimizer step that follows; returns the loss. */
async function lossStep<B>(
  options: FitOptions<B>,
  batch: B,
  parameters: readonly Tensor[],
  clipNorm: number,
  check: (loss: number, gradNorm: number | null) => void,
): Promise<number> {
  options.optimizer.zeroGrad();
  let loss: Tensor;
  try {
    loss = scope(() => {
      const value = options.loss!(batch);
      value.backward();
      return value.detach();
    });
  } finally {
    options.disposeBatch?.(batch);
  }
  const norm = clipNorm > 0 ? await clipGradNormAsync(parameters, clipNorm) : null;
  const value = (await loss.data())[0]!;
  loss.dispose();
  check(value, norm);
  return value;
}

export async function fit<B>(options: FitOptions<B>): Promise<TrainResult> {
  if (!options.loss === !options.update)
    throw new ValueError("fit: give exactly one of loss (a batch → loss tensor) or update (the caller's own update)");
  const { context, model, optimizer, scheduler, epochs } = options;
  const state: TrainState = { model, optimizer, scheduler };
  const restored = await context.restore(state);
  const history: EpochRecord[] = [...(restored?.history ?? [])];
  let progress: FitProgress = restored ?? { epoch: 0, batch: 0, lossSum: 0, count: 0, history };
  const parameters = model.parameters();
  const clipNorm = options.clipNorm ?? 1;
  const divergenceFactor = options.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR;
  if (!(divergenceFactor === 0 || divergenceFactor > 1))
    throw new ValueError(`fit: divergenceFactor must be 0 (off) or above 1, got ${divergenceFactor}`);
  // The loss of the untrained model (a resumed run's first epoch stands in for it).
  let referenceLoss: number | null = history[0] && history[0].trainLoss > 0 ? history[0].trainLoss : null;

  const interrupt = async (): Promise<TrainResult> => {
    context.interruptible?.(false);
    await checkWeights(model, `epoch ${progress.epoch + 1}, after batch ${progress.batch}`, optimizer.paramGroups[0]!.lr);
    const path = await context.save(state, { ...progress, history }, 'interrupt');
    context.reporter({ event: 'interrupted', epoch: progress.epoch, batch: progress.batch, checkpoint: path });
    return { interrupted: true, history };
  };

  for (let epoch = progress.epoch; epoch < epochs; epoch++) {
    const plan = options.batchIndices(epoch);
    let { lossSum, count } = progress;
    const started = performance.now();
    let sequences = 0;
    const lr = optimizer.paramGroups[0]!.lr;
    context.reporter({ event: 'epoch-start', epoch: epoch + 1, epochs, batches: plan.length, batch: progress.batch });
    model.train();
    // Ctrl-C is graceful (stop at the next batch, save) only here; elsewhere it ends the process.
    context.interruptible?.(true);
    for (let b = progress.batch; b < plan.length; b++) {
      await yieldToEvents();
      if (context.signal.aborted) return interrupt();
      const indices = plan[b]!;
      const batch = options.makeBatch(indices);
      const where = at(epoch, b + 1, plan.length);
      const check = (value: number, norm: number | null) => {
        // Checked before the step, so the weights in memory are still those of the last good batch.
        if (!Number.isFinite(value)) throw diverged(`loss ${value}`, where, lr);
        if (norm !== null && !Number.isFinite(norm)) throw diverged(`gradient norm ${norm}`, where, lr);
        if (referenceLoss === null) referenceLoss = value > 0 ? value : null;
        else if (divergenceFactor > 0 && value > divergenceFactor * referenceLoss) {
          throw diverged(
            `loss ${value.toPrecision(4)}, over ${divergenceFactor}× the first batch's ${referenceLoss.toPrecision(4)},`,
            where,
            lr,
          );
        }
      };
      let value: number;
      if (options.update) {
        try {
          value = await options.update(batch, check);
        } finally {
          options.disposeBatch?.(batch);
        }
      } else {
        value = await lossStep(options, batch, parameters, clipNorm, check);
        optimizer.step();
      }
      lossSum += value * indices.length;
      count += indices.length;
      sequences += indices.length;
      progress = { epoch, batch: b + 1, lossSum, count, history };
      const seconds = (performance.now() - started) / 1000;
      context.reporter({
        event: 'batch',
        epoch: epoch + 1,
        batch: b + 1,
        batches: plan.length,
        loss: lossSum / count,
        sequencesPerSecond: sequences / Math.max(seconds, 1e-9),
      });
    }
    context.interruptible?.(false);
    const trainSeconds = (performance.now() - started) / 1000;
    await checkWeights(model, `the end of epoch ${epoch + 1}`, lr);
    scheduler?.step();
    model.eval();
    const validation = await options.validate();
    const record: EpochRecord = {
      epoch: epoch + 1,
      trainLoss: count > 0 ? lossSum / count : NaN,
      validationLoss: validation.loss,
      metrics: validation.metrics,
      lr,
      seconds: (performance.now() - started) / 1000,
      sequencesPerSecond: sequences / Math.max(trainSeconds, 1e-9),
    };
    history.push(record);
    context.reporter({
      event: 'epoch',
      ...record,
      epochs,
      metric: { name: options.metric.name, value: validation.metrics[options.metric.name] ?? NaN },
    });
    progress = { epoch: epoch + 1, batch: 0, lossSum: 0, count: 0, history };
    await context.save(state, progress, 'epoch');
  }
  model.eval();
  return { interrupted: false, history };
}
