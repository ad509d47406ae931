// The callbacks that make @recur/train's fit a task run, handed to a TaskRun through its
// TrainContext: resume from a task checkpoint (inside an epoch too), the CLI's events made from
// fit's progress events, a checkpoint after every epoch and on Ctrl-C, divergence checks that
// name epoch, batch and lr, and early stopping (--early-stopping, births' restoreBest).

import type { Module } from '@recur/cells';
import type { Stateful } from '@recur/optim';
import { earlyStopping, progress, type Callback, type FitContext, type LoopContext, type Logs, type ProgressEvent } from '@recur/train';
import { loadIntoRun, type TaskCheckpoint } from './checkpoint-file.js';
import { TrainingDivergedError } from './errors.js';
import type { EpochRecord, Reporter } from './events.js';
import { firstNonFiniteParameter } from './finite.js';
import type { FitProgress, TaskFitOptions, TaskMetric, TrainState } from './task.js';

const DEFAULT_DIVERGENCE_FACTOR = 1e4;

export interface TaskSessionOptions {
  readonly metric: TaskMetric;
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  readonly resume: TaskCheckpoint | null;
  /** --early-stopping: epochs without improvement of the task's metric before stopping (the best epoch's weights are kept). */
  readonly patience?: number;
  readonly interruptible: (on: boolean) => void;
  /** Write a task checkpoint; its path, or null when the run has no output directory. */
  readonly save: (state: TrainState, progress: FitProgress, reason: 'epoch' | 'interrupt') => Promise<string | null>;
}

interface TaskSession {
  callbacks(options: TaskFitOptions): Callback[];
  /** Every finished epoch, the resumed ones included. */
  readonly history: readonly EpochRecord[];
  /** True once a Ctrl-C (the signal) stopped fit and the run was saved. */
  readonly interrupted: boolean;
}

const OWN_LOGS = new Set(['loss', 'lr', 'valLoss']);

function diverged(what: string, where: string, lr: number): TrainingDivergedError {
  return new TrainingDivergedError(`training diverged: ${what} at ${where} (lr ${lr}); try a lower --lr`);
}

const lrOf = (ctx: FitContext) => ctx.optimizer.paramGroups[0]?.lr ?? NaN;
const stateOf = (ctx: FitContext): TrainState => ({
  model: ctx.model as unknown as Module,
  optimizer: ctx.optimizer as unknown as Stateful,
  ...(ctx.scheduler ? { scheduler: ctx.scheduler as unknown as Stateful } : {}),
});

/** Throws when a parameter is no longer finite (an optimizer step can overflow a finite loss). */
async function checkWeights(ctx: FitContext, where: string): Promise<void> {
  const broken = await firstNonFiniteParameter(ctx.model as unknown as Module);
  if (broken) throw diverged(`weight '${broken.name}' is non-finite (${broken.count} of ${broken.size} values)`, where, lrOf(ctx));
}

function epochRecord(epoch: number, logs: Logs, seconds: number, trainSeconds: number, examples: number): EpochRecord {
  const metrics = Object.fromEntries(Object.entries(logs).filter(([key]) => !OWN_LOGS.has(key)));
  return {
    epoch: epoch + 1,
    trainLoss: logs.loss ?? NaN,
    validationLoss: logs.valLoss ?? NaN,
    metrics,
    lr: logs.lr ?? NaN,
    seconds,
    sequencesPerSecond: examples / Math.max(trainSeconds, 1e-9),
  };
}

const toLogs = (r: EpochRecord): Logs => ({ loss: r.trainLoss, lr: r.lr, valLoss: r.validationLoss, ...r.metrics });

export function taskSession(options: TaskSessionOptions): TaskSession {
  const { metric, reporter, signal, resume } = options;
  const history: EpochRecord[] = [...(resume?.meta.history ?? [])];
  const saved = resume?.meta.progress;
  // Where the run stands: epochs done, batches of the next one done and their loss sums.
  let at = { epoch: saved?.epoch ?? 0, batch: saved?.batch ?? 0, lossSum: saved?.lossSum ?? 0, count: saved?.count ?? 0 };
  let step = saved?.step ?? 0;
  let interrupted = false;
  const progressOf = (): FitProgress => ({ ...at, step, history });

  return {
    history,
    get interrupted() {
      return interrupted;
    },
    callbacks(fit: TaskFitOptions): Callback[] {
      const factor = fit.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR;
      // The loss of the untrained model (a resumed run's first epoch stands in for it).
      let reference: number | null = history[0] && history[0].trainLoss > 0 ? history[0].trainLoss : null;
      let clock = { started: 0, trainSeconds: 0, examples: 0 };
      const where = (epoch: number, batch: number) => `epoch ${epoch + 1}, batch ${batch + 1}/${fit.batches(epoch)}`;
      const isLast = (epoch: number, batch: number) => batch === fit.batches(epoch) - 1;

      // The CLI's events are fit's progress events, with the task's counts and timings added.
      const events = progress((e: ProgressEvent) => {
        if (e.type === 'epoch-begin') {
          clock = { started: performance.now(), trainSeconds: 0, examples: 0 };
          reporter({ event: 'epoch-start', epoch: e.epoch + 1, epochs: e.epochs, batches: fit.batches(e.epoch), batch: at.batch });
        } else if (e.type === 'batch') {
          at = { epoch: e.epoch, batch: e.batch + 1, lossSum: at.lossSum + e.loss * e.size, count: at.count + e.size };
          step = e.step;
          clock.examples += e.size;
          clock.trainSeconds = (performance.now() - clock.started) / 1000;
          reporter({
            event: 'batch',
            epoch: e.epoch + 1,
            batch: e.batch + 1,
            batches: fit.batches(e.epoch),
            loss: at.lossSum / at.count,
            sequencesPerSecond: clock.examples / Math.max(clock.trainSeconds, 1e-9),
          });
        } else if (e.type === 'epoch') {
          const record = epochRecord(e.epoch, e.logs, (performance.now() - clock.started) / 1000, clock.trainSeconds, clock.examples);
          history.push(record);
          at = { epoch: e.epoch + 1, batch: 0, lossSum: 0, count: 0 };
          reporter({
            event: 'epoch',
            ...record,
            epochs: e.epochs,
            metric: { name: metric.name, value: record.metrics[metric.name] ?? NaN },
          });
        }
      });

      const run: Callback = {
        onTrainBegin(ctx) {
          if (!resume) return;
          loadIntoRun(resume, stateOf(ctx));
          (ctx as LoopContext<typeof ctx.model>).resume({
            epoch: at.epoch,
            step,
            history: history.map(toLogs),
            batch: at.batch,
            lossSum: at.lossSum,
            lossWeight: at.count,
          });
        },
        // Ctrl-C is graceful (stop at the next batch, save) only while batches run; elsewhere it ends the process.
        onEpochBegin: () => options.interruptible(true),
        onAfterBackward(ctx, info) {
          // Checked before the step, so the weights in memory are still those of the last good batch.
          const place = where(ctx.epoch, info.batch);
          if (!Number.isFinite(info.loss)) throw diverged(`loss ${info.loss}`, place, lrOf(ctx));
          if (info.gradNorm !== undefined && !Number.isFinite(info.gradNorm))
            throw diverged(`gradient norm ${info.gradNorm}`, place, lrOf(ctx));
          if (reference === null) reference = info.loss > 0 ? info.loss : null;
          else if (factor > 0 && info.loss > factor * reference) {
            const what = `loss ${info.loss.toPrecision(4)}, over ${factor}× the first batch's ${reference.toPrecision(4)},`;
            throw diverged(what, place, lrOf(ctx));
          }
        },
        async onBatchEnd(ctx, info) {
          if (!isLast(ctx.epoch, info.batch)) return;
          options.interruptible(false);
          // Before validation and saving: nothing is scored or saved from broken weights.
          await checkWeights(ctx, `the end of epoch ${ctx.epoch + 1}`);
        },
        async onEpochEnd(ctx) {
          await options.save(stateOf(ctx), progressOf(), 'epoch');
        },
        async onTrainEnd(ctx, { error }) {
          options.interruptible(false);
          if (error === undefined || !signal.aborted || error !== signal.reason) return;
          await checkWeights(ctx, `epoch ${at.epoch + 1}, after batch ${at.batch}`);
          const path = await options.save(stateOf(ctx), progressOf(), 'interrupt');
          interrupted = true;
          reporter({ event: 'interrupted', epoch: at.epoch, batch: at.batch, checkpoint: path });
        },
      };
      const callbacks = [events, run];
      if (options.patience === undefined && !fit.keepBest) return callbacks;
      return [...callbacks, ...keepBest(options, history, progressOf)];
    },
  };
}

/** Early stopping on the task's metric, restoring the best epoch's weights, then saving them. */
function keepBest(options: TaskSessionOptions, history: readonly EpochRecord[], progressOf: () => FitProgress): Callback[] {
  const { metric, reporter } = options;
  // restoreBest alone (births) never stops: patience outlasts any run.
  const stopper = earlyStopping({
    monitor: metric.name,
    mode: metric.higherIsBetter ? 'max' : 'min',
    patience: options.patience ?? Number.MAX_SAFE_INTEGER,
    restoreBest: true,
  });
  const after: Callback = {
    async onTrainEnd(ctx, { error }) {
      if (error !== undefined || stopper.bestEpoch === null) return;
      if (stopper.stoppedEpoch !== null) {
        const message = `early stopping: validation ${metric.name} did not improve for ${options.patience} epoch${options.patience === 1 ? '' : 's'}; stopped after epoch ${stopper.stoppedEpoch + 1} of ${ctx.epochs}`;
        reporter({ event: 'note', level: 'info', message });
      }
      if (stopper.bestEpoch + 1 >= history.length) return;
      const path = await options.save(stateOf(ctx), progressOf(), 'epoch');
      const saved = path === null ? '' : `, saved to ${path}`;
      reporter({
        event: 'note',
        level: 'info',
        message: `early stopping: kept epoch ${stopper.bestEpoch + 1}'s weights (validation ${metric.name} ${Number(stopper.best!.toPrecision(6))})${saved}`,
      });
    },
  };
  return [stopper, after];
}
