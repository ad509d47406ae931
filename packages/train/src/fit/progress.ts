// progress: fit's events as plain objects for a listener — a CLI's bars, JSON lines, a worker's
// postMessage — one as each epoch begins, one per batch and one per epoch, and one at the end.

import { ValueError, describeValue } from '@recur/tensor';
import type { Callback, Logs } from './types.js';

export type ProgressEvent =
  | { readonly type: 'epoch-begin'; readonly epoch: number; readonly epochs: number; readonly step: number }
  /** `size`: the batch's samples (fit's `batchSize(batch)`, else 1), to weigh running means and count samples per second. */
  | {
      readonly type: 'batch';
      readonly epoch: number;
      readonly batch: number;
      readonly step: number;
      readonly loss: number;
      readonly size: number;
    }
  | { readonly type: 'epoch'; readonly epoch: number; readonly epochs: number; readonly step: number; readonly logs: Logs }
  | { readonly type: 'end'; readonly epochs: number; readonly steps: number; readonly error?: string };

export function progress(listener: (event: ProgressEvent) => void | Promise<void>): Callback {
  if (typeof listener !== 'function') throw new ValueError(`progress: expected a listener function; got ${describeValue(listener)}`);
  return {
    onEpochBegin: (ctx) => listener({ type: 'epoch-begin', epoch: ctx.epoch, epochs: ctx.epochs, step: ctx.step }),
    onBatchEnd: (ctx, info) =>
      listener({ type: 'batch', epoch: ctx.epoch, batch: info.batch, step: ctx.step, loss: info.loss, size: info.size }),
    onEpochEnd: (ctx, logs) => listener({ type: 'epoch', epoch: ctx.epoch, epochs: ctx.epochs, step: ctx.step, logs: { ...logs } }),
    onTrainEnd: (ctx, { error }) =>
      listener({ type: 'end', epochs: ctx.history.length, steps: ctx.step, ...(error !== undefined ? { error: String(error) } : {}) }),
  };
}
