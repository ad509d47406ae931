// The shapes of a fit: what a model and an optimizer must offer, the data sources fit accepts,
// and the callback protocol (hooks called in list order, each may be async; `logs` is the
// epoch's record of numbers — loss, valLoss, lr — that callbacks read and may add to).

import type { Tensor } from '@recur/tensor';

/** What fit needs of a model: PyTorch's Module protocol (@recur/cells' Module has it). */
export interface FitModel {
  namedParameters(): [string, Tensor][];
  stateDict(): Record<string, Tensor>;
  loadStateDict(dict: Readonly<Record<string, Tensor>>): unknown;
  train(mode?: boolean): unknown;
}

/** What fit needs of an optimizer (@recur/optim's optimizers). */
export interface FitOptimizer {
  zeroGrad(): void;
  step(): unknown;
  readonly paramGroups: readonly { lr: number }[];
  stateDict(): unknown;
  loadStateDict(state: never): unknown;
  checkStateDict?(state: never): void;
}

/** An LR scheduler: `step()` (StepLR, CosineAnnealingLR, …) or `step(metric)` (ReduceLROnPlateau). */
export interface FitScheduler {
  step(metric?: number): void;
  stateDict(): unknown;
  loadStateDict(state: never): unknown;
  checkStateDict?(state: never): void;
}

/** When the scheduler steps: after every epoch, after every batch, or on plateau of `monitor`. */
export interface ScheduleOptions {
  readonly scheduler: FitScheduler;
  readonly interval: 'epoch' | 'batch' | 'plateau';
  /** The log ReduceLROnPlateau is fed (interval 'plateau'); default valLoss when there is validation data, else loss. */
  readonly monitor?: string;
}

/**
 * Batches: a DataLoader (its `batches(epoch)` gives each epoch's seeded order, so a resumed fit
 * sees the same data), a function of the epoch, or any iterable / async iterable (re-iterated per epoch).
 */
export type DataSource<B> =
  { batches(epoch: number): Iterable<B> } | ((epoch: number) => Iterable<B> | AsyncIterable<B>) | Iterable<B> | AsyncIterable<B>;

/** The numbers of one epoch (loss, valLoss, lr and whatever callbacks add). */
export type Logs = Record<string, number>;

/** What every hook sees. */
export interface FitContext<M extends FitModel = FitModel> {
  readonly model: M;
  readonly optimizer: FitOptimizer;
  readonly scheduler: FitScheduler | undefined;
  /** Epoch being run (0-based). */
  readonly epoch: number;
  /** Optimizer steps taken so far in the whole fit (0-based index of the current one in batch hooks). */
  readonly step: number;
  readonly epochs: number;
  /** The logs of every finished epoch. */
  readonly history: readonly Logs[];
  /** Ask fit to stop after the current epoch (early stopping). */
  stop(reason: string): void;
}

export interface BatchInfo {
  /** Batch index in the epoch (0-based). */
  readonly batch: number;
  /** The batch's loss, read from the device. */
  readonly loss: number;
  /** The batch's number of samples: `batchSize(batch)`, or 1 without `batchSize`. */
  readonly size: number;
  /** The total gradient norm before clipping, in onAfterBackward when fit clips (or a trainStep reports it). */
  readonly gradNorm?: number;
}

/** Hooks; all optional, all may return a Promise. Called in the order the callbacks are listed. */
export interface Callback<M extends FitModel = FitModel> {
  /** Before the first epoch (after a resume has loaded its state). */
  onTrainBegin?(ctx: FitContext<M>): void | Promise<void>;
  onEpochBegin?(ctx: FitContext<M>): void | Promise<void>;
  /** After backward (and clipping), before the optimizer step: gradients are readable. */
  onAfterBackward?(ctx: FitContext<M>, info: BatchInfo): void | Promise<void>;
  onBatchEnd?(ctx: FitContext<M>, info: BatchInfo): void | Promise<void>;
  /** After validation and the epoch's scheduler step; `logs` may be added to. */
  onEpochEnd?(ctx: FitContext<M>, logs: Logs): void | Promise<void>;
  /** Always runs, also when fit stops early, is aborted or fails (then `error` is set). */
  onTrainEnd?(ctx: FitContext<M>, result: { readonly error?: unknown }): void | Promise<void>;
  /** State to save in a checkpoint and load on resume (early stopping's best so far). */
  stateDict?(): unknown;
  loadStateDict?(state: unknown): void;
}
