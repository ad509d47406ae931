// The progress events a training run reports, one plain JSON object each, so the CLI can draw
// progress bars from them, print plain lines, or write them as JSON lines (`--json`).

/** Metric values by name, e.g. `{ mae: 250.1, rmse: 340.2 }`. */
export type Metrics = Record<string, number>;

/** One finished epoch, as kept in a run's history (and in its checkpoints). */
export interface EpochRecord {
  /** 1-based: the number of epochs finished. */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number;
  /** Validation metrics; the task's headline metric is among them. */
  readonly metrics: Metrics;
  /** Learning rate used during the epoch. */
  readonly lr: number;
  readonly seconds: number;
  readonly sequencesPerSecond: number;
}

export interface StartEvent {
  readonly event: 'start';
  readonly task: string;
  readonly backend: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Epochs already done (0 unless resuming). */
  readonly startEpoch: number;
  readonly epochs: number;
  readonly parameters: number;
  /** Training examples per epoch. */
  readonly trainSize: number;
  readonly resumedFrom: string | null;
}

export interface EpochStartEvent {
  readonly event: 'epoch-start';
  /** 1-based number of the epoch now running. */
  readonly epoch: number;
  readonly epochs: number;
  readonly batches: number;
  /** Batches already done when resuming inside this epoch. */
  readonly batch: number;
}

export interface BatchEvent {
  readonly event: 'batch';
  readonly epoch: number;
  /** Batches finished in this epoch. */
  readonly batch: number;
  readonly batches: number;
  /** Mean training loss over the epoch so far. */
  readonly loss: number;
  readonly sequencesPerSecond: number;
}

export interface EpochEvent extends EpochRecord {
  readonly event: 'epoch';
  readonly epochs: number;
  /** The task's headline metric, repeated for progress displays. */
  readonly metric: { readonly name: string; readonly value: number };
}

export interface CheckpointEvent {
  readonly event: 'checkpoint';
  readonly path: string;
  /** Epochs finished, and batches of the next one, at the time of saving. */
  readonly epoch: number;
  readonly batch: number;
  readonly reason: 'epoch' | 'interrupt';
}

export interface InterruptedEvent {
  readonly event: 'interrupted';
  readonly epoch: number;
  readonly batch: number;
  /** Where training can be resumed from; null when the run had no output directory. */
  readonly checkpoint: string | null;
}

export interface SummaryEvent {
  readonly event: 'summary';
  readonly task: string;
  readonly split: 'test';
  /** The model's metrics on the test split. */
  readonly metrics: Metrics;
  /** The baseline's metrics on the same examples (majority class, seasonal-naive, …). */
  readonly baseline: Metrics;
  readonly baselineName: string;
  /** Every baseline on the same examples, by name: the trivial one (`baseline`) and any strong ones. */
  readonly baselines: Readonly<Record<string, Metrics>>;
  /** Which way each metric is better: true when higher is better. */
  readonly higherIsBetter: Readonly<Record<string, boolean>>;
  readonly epochs: number;
  readonly seconds: number;
  readonly checkpoint: string | null;
}

/** Anything else worth telling (a backend fallback, a written plot). */
export interface NoteEvent {
  readonly event: 'note';
  readonly level: 'info' | 'warning';
  readonly message: string;
  readonly path?: string;
}

export type TrainEvent =
  StartEvent | EpochStartEvent | BatchEvent | EpochEvent | CheckpointEvent | InterruptedEvent | SummaryEvent | NoteEvent;

/** Receives every event in order; must not throw. */
export type Reporter = (event: TrainEvent) => void;
