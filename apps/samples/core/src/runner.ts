// Running a Task end to end, as `recur train|eval|predict` do and as tests call directly:
// seed → create the run → train (the run calls @recur/train's fit with the session's callbacks:
// checkpoints, resume, interrupt, early stopping) → evaluate on the test split → one summary
// event. The caller chooses the backend and renders events, plots and tables.

import { join } from 'node:path';
import { manualSeed } from '@recur/tensor';
import {
  CHECKPOINT_FILE,
  TASK_CHECKPOINT_KIND,
  TASK_CHECKPOINT_VERSION,
  loadIntoRun,
  readTaskCheckpoint,
  writeTaskCheckpoint,
  type TaskCheckpoint,
} from './checkpoint-file.js';
import { taskSession } from './task-callbacks.js';
import { CheckpointError } from './errors.js';
import type { EpochRecord, Reporter, SummaryEvent } from './events.js';
import { lossPlot } from './loss-plot.js';
import { prepareOutputDir, removeEmptyDirectories } from './output-dir.js';
import type { Evaluation, Plot, Task, TaskConfig, TaskRun, TrainContext } from './task.js';

export interface TrainTaskOptions {
  readonly task: Task;
  readonly config: TaskConfig;
  /** Checkpoints go to `<outDir>/checkpoint.safetensors`; null keeps everything in memory. */
  readonly outDir: string | null;
  /** A checkpoint to continue from (read with readTaskCheckpoint). */
  readonly resume?: TaskCheckpoint | null;
  readonly reporter?: Reporter;
  readonly signal?: AbortSignal;
  /** Active backend's name, for the start event. Default 'cpu'. */
  readonly backend?: string;
  /** Hears when `signal` would stop the run at the next batch (true) and when not (false). */
  readonly onInterruptible?: (on: boolean) => void;
  /** Stop after this many epochs without improvement of the task's metric on validation, keeping the best epoch's weights. */
  readonly earlyStopping?: number;
}

export interface TrainOutcome {
  readonly interrupted: boolean;
  readonly history: readonly EpochRecord[];
  /** Null when interrupted (no test evaluation then). */
  readonly summary: SummaryEvent | null;
  /** The loss curves, then the task's own plots; empty when interrupted. */
  readonly plots: readonly Plot[];
  readonly checkpoint: string | null;
}

/** Train `task` with `config`, evaluate on the test split and report a summary event. */
export async function trainTask(options: TrainTaskOptions): Promise<TrainOutcome> {
  const { task, config, outDir, resume = null } = options;
  const reporter: Reporter = options.reporter ?? (() => undefined);
  const signal = options.signal ?? new AbortController().signal;
  if (resume && resume.meta.task !== task.name) {
    throw new CheckpointError(`${resume.path}: saved by task '${resume.meta.task}', not '${task.name}'`);
  }
  const started = performance.now();
  // Before loading data or training: a bad output directory should fail in a second, not after an epoch.
  const createdDirs = outDir === null ? [] : await prepareOutputDir(outDir);
  let run: TaskRun;
  try {
    manualSeed(config.seed);
    run = await task.create(config, { state: resume?.meta.state, report: reporter });
  } catch (error) {
    await removeEmptyDirectories(createdDirs);
    throw error;
  }
  const checkpointPath = outDir === null ? null : join(outDir, CHECKPOINT_FILE);
  try {
    reporter({
      event: 'start',
      task: task.name,
      backend: options.backend ?? 'cpu',
      config,
      startEpoch: resume?.meta.progress.epoch ?? 0,
      epochs: config.epochs,
      parameters: run.model.numParameters(),
      trainSize: run.trainSize,
      resumedFrom: resume?.path ?? null,
    });
    const session = taskSession({
      metric: task.metric,
      reporter,
      signal,
      resume,
      ...(options.earlyStopping !== undefined ? { patience: options.earlyStopping } : {}),
      interruptible: (on) => options.onInterruptible?.(on),
      save: async (state, progress, reason) => {
        if (checkpointPath === null) return null;
        const { history, ...position } = progress;
        await writeTaskCheckpoint(checkpointPath, state, {
          kind: TASK_CHECKPOINT_KIND,
          version: TASK_CHECKPOINT_VERSION,
          task: task.name,
          config,
          state: run.state(),
          progress: position,
          history,
        });
        reporter({ event: 'checkpoint', path: checkpointPath, epoch: progress.epoch, batch: progress.batch, reason });
        return checkpointPath;
      },
    });
    const context: TrainContext = { reporter, signal, backend: options.backend ?? 'cpu', callbacks: (fit) => session.callbacks(fit) };
    try {
      await run.train(context);
    } catch (error) {
      if (session.interrupted) return { interrupted: true, history: session.history, summary: null, plots: [], checkpoint: checkpointPath };
      // A run that failed before its first checkpoint leaves no empty directory behind.
      await removeEmptyDirectories(createdDirs);
      throw error;
    }
    run.model.eval();
    const history = session.history;
    const summary = summaryEvent(task, await run.evaluate(), history.length, (performance.now() - started) / 1000, checkpointPath);
    reporter(summary);
    const plots = [lossPlot(task.name, history), ...((await run.plots?.()) ?? [])];
    return { interrupted: false, history, summary, plots, checkpoint: checkpointPath };
  } finally {
    options.onInterruptible?.(false);
    run.dispose();
  }
}

function summaryEvent(task: Task, evaluation: Evaluation, epochs: number, seconds: number, checkpoint: string | null): SummaryEvent {
  return {
    event: 'summary',
    task: task.name,
    split: 'test',
    metrics: evaluation.metrics,
    baseline: evaluation.baseline,
    baselineName: evaluation.baselineName,
    baselines: evaluation.baselines ?? { [evaluation.baselineName]: evaluation.baseline },
    higherIsBetter: evaluation.higherIsBetter,
    epochs,
    seconds,
    checkpoint,
  };
}

/** A task run rebuilt from a checkpoint, its model weights loaded and in eval mode. */
export async function openCheckpoint(
  tasks: readonly Task[],
  path: string,
): Promise<{ task: Task; checkpoint: TaskCheckpoint; run: TaskRun }> {
  const checkpoint = await readTaskCheckpoint(path);
  const task = tasks.find((t) => t.name === checkpoint.meta.task);
  if (!task)
    throw new CheckpointError(`${path}: saved by unknown task '${checkpoint.meta.task}' (known: ${tasks.map((t) => t.name).join(', ')})`);
  const run = await task.create(checkpoint.meta.config, { state: checkpoint.meta.state });
  try {
    loadIntoRun(checkpoint, { model: run.model });
  } catch (error) {
    run.dispose();
    throw error;
  }
  run.model.eval();
  return { task, checkpoint, run };
}

/** `recur eval`: the checkpoint's model and the baseline on the test split. */
export async function evaluateCheckpoint(tasks: readonly Task[], path: string): Promise<SummaryEvent> {
  const started = performance.now();
  const { task, checkpoint, run } = await openCheckpoint(tasks, path);
  try {
    return summaryEvent(task, await run.evaluate(), checkpoint.meta.progress.epoch, (performance.now() - started) / 1000, path);
  } finally {
    run.dispose();
  }
}
