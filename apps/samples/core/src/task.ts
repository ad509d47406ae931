// The Task interface: what a sample implements so that `recur train|eval|predict` can drive it,
// and so it reads as a plain code example too. A Task builds a TaskRun (data + model); the run
// trains with @recur/train's fit and the TrainContext's callbacks, evaluates on the test split,
// predicts, and offers plots.

import type { Module } from '@recur/cells';
import type { Stateful } from '@recur/optim';
import type { Tensor } from '@recur/tensor';
import type { Callback } from '@recur/train';
import type { EpochRecord, Metrics, Reporter } from './events.js';

/** Config values are JSON scalars so a config file, CLI flags and checkpoints all carry them. */
export type ConfigValue = number | string | boolean;

/** The keys every task has; `recur train` maps --epochs, --batch-size, --lr, --seed onto them. */
export interface BaseConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
}

export type TaskConfig = BaseConfig & Readonly<Record<string, ConfigValue>>;

/** JSON data a run needs to rebuild itself (a vocabulary, scaler statistics). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface TaskMetric {
  /** Key in the validation and test metrics, e.g. 'mae' or 'accuracy'. */
  readonly name: string;
  readonly higherIsBetter: boolean;
}

export interface Task<C extends TaskConfig = TaskConfig> {
  /** CLI name, lower-case: `recur train <name>`. */
  readonly name: string;
  /** One line for `recur tasks`. */
  readonly description: string;
  /** The full run the sample's README reports. */
  readonly defaultConfig: C;
  /** Applied over defaultConfig by `--quick`: a tiny run that finishes in seconds. */
  readonly quickConfig: Partial<C>;
  /** The headline metric shown in progress displays. */
  readonly metric: TaskMetric;
  /** What `recur predict <checkpoint> [input]` expects, for --help and errors. */
  readonly predictHelp: string;
  /**
   * Extra checks of a merged config beyond its keys and types (allowed choices, ranges).
   * Return a message naming the key, or null when the config is fine.
   */
  checkConfig?(config: C): string | null;
  /**
   * Load the data and build the model. `state` is what `run.state()` returned when the
   * checkpoint being resumed or evaluated was saved; without it the run starts fresh.
   */
  create(config: C, options?: CreateOptions): Promise<TaskRun>;
}

export interface CreateOptions {
  readonly state?: JsonValue;
  /** Called while loading data; long loads can say what they are doing. */
  readonly report?: Reporter;
}

/** What a checkpoint restores besides the model: the training objects the task built. */
export interface TrainState {
  readonly model: Module;
  readonly optimizer: Stateful;
  readonly scheduler?: Stateful;
}

/** Where a run stands: epochs done, batches of the next epoch done, and that epoch's loss so far. */
export interface FitProgress {
  readonly epoch: number;
  readonly batch: number;
  readonly lossSum: number;
  readonly count: number;
  /** Optimizer steps so far (absent in checkpoints saved before fit counted them). */
  readonly step?: number;
  readonly history: readonly EpochRecord[];
}

/** What a run tells the context's callbacks about its fit. */
export interface TaskFitOptions {
  /** Batches in an epoch (TaskBatches' `count`): progress bars, and where an epoch's batches end. */
  readonly batches: (epoch: number) => number;
  /** Keep the weights of the best validation epoch (by the task's metric) at the end, without stopping early. */
  readonly keepBest?: boolean;
  /**
   * A batch loss this many times the run's first one counts as diverged, as a non-finite one
   * does: a blown-up model can keep a finite loss (1e30 with lr 1e30). 0 turns it off. Default 1e4.
   */
  readonly divergenceFactor?: number;
}

/** What `train` gets from the runner (the CLI, or a test). */
export interface TrainContext {
  readonly reporter: Reporter;
  /** Aborted on Ctrl-C: pass it to fit, which stops at the next batch; the callbacks then save a checkpoint. */
  readonly signal: AbortSignal;
  /** Name of the active backend, for the start event. */
  readonly backend: string;
  /**
   * The callbacks that make @recur/train's fit a task run: resume from the checkpoint (inside an
   * epoch too), progress events, a checkpoint after every epoch and on Ctrl-C, divergence checks
   * (TrainingDivergedError) and --early-stopping. Pass them, and `signal`, to fit.
   */
  callbacks(options: TaskFitOptions): Callback[];
}

export interface Evaluation {
  readonly metrics: Metrics;
  readonly baseline: Metrics;
  /** e.g. 'majority class', 'seasonal naive (value 7 days earlier)'. */
  readonly baselineName: string;
  /**
   * Every baseline scored on the same examples, by name — the trivial one above and any strong
   * ones (ridge, Kneser-Ney, …). Left out, the summary lists the trivial one alone.
   */
  readonly baselines?: Readonly<Record<string, Metrics>>;
  /** Direction of each metric key (true: higher is better). */
  readonly higherIsBetter: Readonly<Record<string, boolean>>;
}

export interface Prediction {
  /** Machine-readable result (printed with --json). */
  readonly value: JsonValue;
  /** Human-readable lines. */
  readonly text: string;
  /** The same with ANSI colours (e.g. attention weights as shading), shown on a colour terminal. */
  readonly terminalText?: string;
}

/** A line chart as data; the CLI renders it (the samples carry no chart library). */
export interface LinePlot {
  readonly kind?: 'line';
  /** File stem in the output directory: `<name>.svg`. */
  readonly name: string;
  readonly title: string;
  /** `integer`: ticks at whole numbers only (epochs). */
  readonly x: { readonly label: string; readonly type: 'quantitative' | 'temporal'; readonly integer?: boolean };
  readonly y: { readonly label: string };
  readonly points: readonly { readonly series: string; readonly x: number | string; readonly y: number }[];
}

/**
 * A heatmap as data: one coloured cell per (x, y) label pair, e.g. attention weights of decoder
 * steps (y) over input tokens (x). Axes are nominal and keep the order in which their labels
 * first appear in `cells`; equal labels are one row or column, so repeated tokens need distinct
 * labels.
 */
export interface HeatmapPlot {
  readonly kind: 'heatmap';
  /** File stem in the output directory: `<name>.svg`. */
  readonly name: string;
  readonly title: string;
  readonly x: { readonly label: string };
  readonly y: { readonly label: string };
  /** The colour legend's title, e.g. 'attention weight'. */
  readonly value: { readonly label: string };
  readonly cells: readonly { readonly x: string; readonly y: string; readonly value: number }[];
}

/** Any chart a run can ask the CLI to draw. */
export type Plot = LinePlot | HeatmapPlot;

export interface TaskRun {
  readonly model: Module;
  /** Training examples per epoch (for the start event). */
  readonly trainSize: number;
  /** JSON to store in checkpoints so `create(config, { state })` rebuilds this run. */
  state(): JsonValue;
  /** Train up to config.epochs with @recur/train's fit, given `context.callbacks(…)` and `context.signal`. */
  train(context: TrainContext): Promise<unknown>;
  /** The model and the baseline on the test split. */
  evaluate(): Promise<Evaluation>;
  predict(input: string | null): Promise<Prediction>;
  /** The model's forward arguments for one batch of real examples, for `recur summary` (@recur/train's summary); the caller disposes the tensors among them. */
  summaryInput(): unknown[];
  /** Task-specific charts (forecast against actual, attention heatmaps) drawn after training. */
  plots?(): Promise<Plot[]>;
  /** Online use (`recur stream`): forecast a series value by value; tasks without it do not stream. */
  openStream?(options: StreamOptions): ValueStream;
  /** `recur export --format onnx`: the model as ONNX with a real example input and the model's output for it. */
  exportOnnx?(): Promise<OnnxExample>;
  /** Free the model and any tensors the run holds. */
  dispose(): void;
}

/** The model as ONNX, one of the task's own inputs (real data) and the model's outputs for it, by graph name; the caller disposes the tensors. */
export interface OnnxExample {
  readonly onnx: Uint8Array;
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly outputs: Readonly<Record<string, Tensor>>;
}

/** How `recur stream` runs a stream. */
export interface StreamOptions {
  /** Learn from each value once it has been forecast (prequential), or keep the weights fixed. */
  readonly learn: boolean;
}

/** One value read by a ValueStream: what had been forecast for it, and the forecast of the next. */
export interface StreamStep {
  readonly value: number;
  /** The forecast made for this value before it arrived; null while the stream warms up. */
  readonly expected: number | null;
  /** The baseline's forecast for this value; null while the stream warms up. */
  readonly expectedBaseline: number | null;
  /** The forecast for the next value and the baseline's; null while the stream warms up. */
  readonly forecast: number | null;
  readonly baseline: number | null;
  /** Optimizer updates made so far (0 without learning). */
  readonly updates: number;
}

/** A forecaster fed one value at a time (a model with its state carried between values). */
export interface ValueStream {
  /** e.g. 'seasonal naive (the value 7 days earlier)'. */
  readonly baselineName: string;
  /** Read the next value; resolves once the next forecast is made (and, learning, learned from). */
  push(value: number): Promise<StreamStep>;
  dispose(): void;
}
