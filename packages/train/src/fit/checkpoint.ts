// checkpoint: after every epoch, save the last state and/or the best one (by a monitored log)
// as Recur checkpoints (@recur/optim: model, optimizer, scheduler, RNG, plus the loop's epoch,
// step, history and callbacks' states); `resume` loads the last one before the first epoch, so
// a resumed fit continues exactly where the saved one stopped. Files: `@recur/train/node`.

import { decodeCheckpoint, encodeCheckpoint } from '@recur/optim';
import { ValueError, checkOptions, describeValue } from '@recur/tensor';
import type { LoopContext, ResumeState } from './fit.js';
import { checkMode, checkMonitor, improves, monitored, type Mode } from './monitor.js';
import type { Callback, FitContext, FitModel, Logs } from './types.js';

export interface CheckpointOptions {
  /** Where the state after every epoch goes (overwritten each epoch). */
  readonly last?: string;
  /** Where the state of the best epoch so far goes. */
  readonly best?: string;
  /** The log that picks the best epoch. Default 'valLoss'. */
  readonly monitor?: string;
  /** Default 'min'. */
  readonly mode?: Mode;
  /** Load `last` (when it exists) before the first epoch and continue from it. Default false. */
  readonly resume?: boolean;
  /** Write bytes to a path. `@recur/train/node`'s `checkpoint` defaults to an atomic file write. */
  readonly save?: (path: string, bytes: Uint8Array) => Promise<void>;
  /** Read a path, or null when there is none. `@recur/train/node`'s `checkpoint` reads the file. */
  readonly load?: (path: string) => Promise<Uint8Array | null>;
}

// The main entry stays free of Node modules (it runs in browsers and workers): file I/O lives in
// `@recur/train/node`, whose `checkpoint` passes `fileCheckpointIO` as `save`/`load`.
function needsIO(): never {
  throw new ValueError(
    "checkpoint: give 'save' and 'load' (bytes to and from your storage), or import checkpoint from '@recur/train/node' to write files",
  );
}

interface LoopState extends ResumeState {
  readonly callbacks: unknown[];
}

export interface Checkpoint extends Callback {
  /** The epoch (0-based) the last resume continued after, or null when none happened. */
  readonly resumedFrom: number | null;
}

export function checkpoint(options: CheckpointOptions): Checkpoint {
  const o = checkOptions('checkpoint', options, ['last', 'best', 'monitor', 'mode', 'resume', 'save', 'load']);
  for (const key of ['last', 'best'] as const) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) {
      throw new ValueError(`checkpoint: '${key}' must be a path (a non-empty string); got ${describeValue(o[key])}`);
    }
  }
  if (o.last === undefined && o.best === undefined) throw new ValueError("checkpoint: give 'last', 'best' or both (the paths to write)");
  if (o.resume && o.last === undefined) throw new ValueError("checkpoint: 'resume' needs 'last' (the checkpoint to continue from)");
  for (const key of ['save', 'load'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function')
      throw new ValueError(`checkpoint: '${key}' must be a function; got ${describeValue(o[key])}`);
  }
  const monitor = checkMonitor('checkpoint', o.monitor ?? 'valLoss');
  const mode = checkMode('checkpoint', o.mode ?? 'min');
  const save = o.save ?? needsIO;
  const load = o.load ?? needsIO;
  let best: number | null = null;
  let resumedFrom: number | null = null;
  const parts = (ctx: FitContext) => ({
    model: ctx.model as FitModel & { stateDict(): unknown; loadStateDict(s: never): unknown },
    optimizer: ctx.optimizer,
    ...(ctx.scheduler ? { scheduler: ctx.scheduler } : {}),
  });

  const self: Checkpoint = {
    get resumedFrom() {
      return resumedFrom;
    },
    async onTrainBegin(ctx) {
      if (!o.resume) return;
      const bytes = await load(o.last!);
      if (bytes === null) return;
      const loop = ctx as LoopContext<FitModel>;
      const state = decodeCheckpoint(bytes, parts(ctx), o.last) as LoopState;
      loop.callbacks.forEach((cb, i) => {
        const saved = state.callbacks[i];
        if (saved !== null && saved !== undefined) cb.loadStateDict?.(saved);
      });
      loop.resume(state);
      resumedFrom = state.epoch - 1;
    },
    async onEpochEnd(ctx, logs: Logs) {
      const loop = ctx as LoopContext<FitModel>;
      const isBest = o.best !== undefined && improves(monitored('checkpoint', logs, monitor), best, mode);
      if (isBest) best = logs[monitor]!;
      const state: LoopState = {
        epoch: ctx.epoch + 1,
        step: ctx.step,
        history: ctx.history,
        callbacks: loop.callbacks.map((cb) => cb.stateDict?.() ?? null),
      };
      const bytes = await encodeCheckpoint({ ...parts(ctx), extra: state });
      if (o.last !== undefined) await save(o.last, bytes);
      if (isBest) await save(o.best!, bytes);
    },
    stateDict: () => ({ best }),
    loadStateDict(state: unknown) {
      best = (state as { best: number | null }).best;
    },
  };
  return self;
}
