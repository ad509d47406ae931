// fitInWorker(worker, options): fit run off the main thread — in a Web Worker in browsers, in
// worker_threads in Node — by a worker script that calls serveFit(task). Progress events and the
// task's own messages arrive as they happen; aborting the signal cancels the run; the final
// weights (and the best / last checkpoints) come back as safetensors bytes.

import { ValueError, checkOptions, describeValue } from '@recur/backend';
import type { EarlyStoppingOptions } from '../fit/early-stopping.js';
import type { FitResult } from '../fit/fit.js';
import type { Mode } from '../fit/monitor.js';
import type { TerminateOnNonFiniteOptions } from '../fit/non-finite.js';
import type { ProgressEvent } from '../fit/progress.js';
import { channel, isWorkerLike, nodeWorkerThreads, type WorkerLike } from './channel.js';
import { isFitMessage, type FromWorker, type ToWorker, type WireFitOptions } from './protocol.js';
import { WorkerError, fromWire } from './wire-error.js';

/** checkpoint()'s options, with bytes instead of paths: which checkpoints to keep, and one to resume from. */
export interface WorkerCheckpointOptions {
  /** Keep the state after the last epoch (result.last): resume from it later. */
  readonly last?: boolean;
  /** Keep the state of the best epoch by `monitor` (result.best). */
  readonly best?: boolean;
  /** Default 'valLoss'. */
  readonly monitor?: string;
  /** Default 'min'. */
  readonly mode?: Mode;
  /** A `last` checkpoint of an earlier run (result.last, or bytes onSave stored): continue from it. Needs `last`. */
  readonly resume?: Uint8Array;
  /** Called with every checkpoint as it is written (store it in IndexedDB, OPFS, a file). */
  readonly onSave?: (which: 'last' | 'best', bytes: Uint8Array) => void | Promise<void>;
}

export interface FitInWorkerOptions<P = unknown> {
  /** Handed to the worker's task (structured-cloned: plain data, typed arrays, no functions). */
  readonly params?: P;
  /** Overrides the task's epochs. */
  readonly epochs?: number;
  /** Overrides the task's clipGradNorm. */
  readonly clipGradNorm?: number;
  /** earlyStopping() in the worker, with these options. */
  readonly earlyStopping?: EarlyStoppingOptions;
  /** terminateOnNonFinite() in the worker: true for its defaults, or its options. */
  readonly terminateOnNonFinite?: boolean | TerminateOnNonFiniteOptions;
  readonly checkpoint?: WorkerCheckpointOptions;
  /** Aborting cancels the run: fitInWorker rejects with the signal's reason at once, the worker stops at its next batch. */
  readonly signal?: AbortSignal;
  /** Every batch, epoch and the end, as they happen. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** What the task posts (context.post). */
  readonly onMessage?: (data: unknown) => void;
}

export interface WorkerFitResult extends FitResult {
  /** The model's state dict after fit (restoreBest applied), as safetensors. */
  readonly weights: Uint8Array;
  /** The best epoch's checkpoint (a Recur checkpoint: safetensors, model tensors under their state-dict keys). */
  readonly best?: Uint8Array;
  /** The last epoch's checkpoint, to resume from. */
  readonly last?: Uint8Array;
}

const OPTION_KEYS = [
  'params',
  'epochs',
  'clipGradNorm',
  'earlyStopping',
  'terminateOnNonFinite',
  'checkpoint',
  'signal',
  'onProgress',
  'onMessage',
];
let nextId = 1;

/** Validate here, where the caller is, and reduce to what crosses. */
function wireOptions(options: FitInWorkerOptions<unknown>): WireFitOptions {
  const o = checkOptions('fitInWorker', options, OPTION_KEYS);
  if (o.epochs !== undefined && !(Number.isInteger(o.epochs) && o.epochs >= 1))
    throw new ValueError(`fitInWorker: 'epochs' must be a positive integer; got ${describeValue(o.epochs)}`);
  const clip = o.clipGradNorm;
  if (clip !== undefined && !(typeof clip === 'number' && clip > 0 && Number.isFinite(clip)))
    throw new ValueError(`fitInWorker: 'clipGradNorm' must be a positive finite number; got ${describeValue(clip)}`);
  for (const key of ['onProgress', 'onMessage'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function')
      throw new ValueError(`fitInWorker: '${key}' must be a function; got ${describeValue(o[key])}`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    throw new ValueError(`fitInWorker: 'signal' must be an AbortSignal; got ${describeValue(o.signal)}`);
  // earlyStopping, terminateOnNonFinite and checkpoint check their own options in the worker (a
  // mistake comes back as their ValueError): the page side stays free of the tensor core.
  const nonFinite = o.terminateOnNonFinite;
  if (nonFinite !== undefined && (nonFinite === null || (typeof nonFinite !== 'boolean' && typeof nonFinite !== 'object')))
    throw new ValueError(`fitInWorker: 'terminateOnNonFinite' must be true, false or its options; got ${describeValue(nonFinite)}`);
  const wire: { -readonly [K in keyof WireFitOptions]: WireFitOptions[K] } = {};
  if (o.epochs !== undefined) wire.epochs = o.epochs;
  if (clip !== undefined) wire.clipGradNorm = clip;
  if (o.earlyStopping !== undefined) wire.earlyStopping = { ...o.earlyStopping };
  if (nonFinite === true) wire.terminateOnNonFinite = {};
  else if (nonFinite) wire.terminateOnNonFinite = { ...nonFinite };
  if (o.checkpoint !== undefined) wire.checkpoint = wireCheckpoint(o.checkpoint);
  return wire;
}

function wireCheckpoint(options: WorkerCheckpointOptions): NonNullable<WireFitOptions['checkpoint']> {
  const c = checkOptions('fitInWorker: checkpoint', options, ['last', 'best', 'monitor', 'mode', 'resume', 'onSave']);
  for (const key of ['last', 'best'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'boolean')
      throw new ValueError(`fitInWorker: checkpoint.${key} must be true or false; got ${describeValue(c[key])}`);
  }
  if (!c.last && !c.best) throw new ValueError("fitInWorker: checkpoint needs 'last', 'best' or both set to true");
  if (c.resume !== undefined && !(c.resume instanceof Uint8Array))
    throw new ValueError(`fitInWorker: checkpoint.resume must be a Uint8Array (a last checkpoint's bytes); got ${describeValue(c.resume)}`);
  if (c.resume !== undefined && !c.last)
    throw new ValueError("fitInWorker: checkpoint.resume needs 'last: true' (the checkpoint it continues)");
  if (c.onSave !== undefined && typeof c.onSave !== 'function')
    throw new ValueError(`fitInWorker: checkpoint.onSave must be a function; got ${describeValue(c.onSave)}`);
  return {
    last: c.last ?? false,
    best: c.best ?? false,
    ...(c.monitor !== undefined ? { monitor: c.monitor } : {}),
    ...(c.mode !== undefined ? { mode: c.mode } : {}),
    ...(c.resume !== undefined ? { resume: c.resume } : {}),
    stream: c.onSave !== undefined,
  };
}

/** A worker started from a script URL: a module Web Worker in browsers, a worker_threads Worker in Node. */
function startWorker(url: URL | string): { worker: WorkerLike; terminate(): void } {
  const threads = nodeWorkerThreads();
  if (threads) {
    const worker = new threads.Worker(url);
    return { worker, terminate: () => void worker.terminate() };
  }
  const Web = (globalThis as { Worker?: new (url: URL | string, options: { type: 'module' }) => WorkerLike & { terminate(): void } })
    .Worker;
  if (typeof Web !== 'function') throw new ValueError('fitInWorker: this host has no Worker (neither Web Workers nor worker_threads)');
  const worker = new Web(url, { type: 'module' });
  return { worker, terminate: () => worker.terminate() };
}

/**
 * Run fit in `worker` — a Worker (Web or worker_threads) whose script calls serveFit(task), or
 * that script's URL (a worker is started for this run and ended after it).
 */
export async function fitInWorker<P>(worker: WorkerLike | URL | string, options: FitInWorkerOptions<P> = {}): Promise<WorkerFitResult> {
  const wire = wireOptions(options as FitInWorkerOptions<unknown>);
  const { signal, onProgress, onMessage } = options;
  const onSave = options.checkpoint?.onSave;
  signal?.throwIfAborted();
  const owned = typeof worker === 'string' || worker instanceof URL ? startWorker(worker) : null;
  const target = owned?.worker ?? worker;
  if (!isWorkerLike(target))
    throw new ValueError(`fitInWorker: expected a Worker (Web or worker_threads) or its script URL; got ${describeValue(worker)}`);
  const id = nextId++;
  const ch = channel(target);
  let saves: Promise<void> = Promise.resolve();
  try {
    return await new Promise<WorkerFitResult>((resolve, reject) => {
      let stop = (): void => {};
      const finish = (outcome: () => void): void => {
        stop();
        signal?.removeEventListener('abort', abort);
        outcome();
      };
      // A listener of the caller's that throws ends the run: the worker is told to stop.
      const fail = (error: unknown): void => {
        ch.post({ recurFit: 1, id, type: 'abort', reason: 'fitInWorker: a listener failed' } satisfies ToWorker);
        finish(() => reject(error));
      };
      // Settle at once, so a page that then terminates the worker is not left waiting; the worker
      // stops at its next batch (fit checks the signal there) and serves the next run after it.
      const abort = (): void => {
        ch.post({ recurFit: 1, id, type: 'abort', reason: String(signal?.reason) } satisfies ToWorker);
        finish(() => reject(signal?.reason));
      };
      stop = ch.listen(
        (data) => {
          if (!isFitMessage(data) || data.id !== id) return;
          const message = data as FromWorker;
          try {
            if (message.type === 'progress') onProgress?.(message.event);
            else if (message.type === 'message') onMessage?.(message.data);
            else if (message.type === 'checkpoint') saves = saves.then(() => onSave?.(message.which, message.bytes));
            else if (message.type === 'done') finish(() => resolve(saves.then(() => message.result)));
            else if (message.type === 'error') finish(() => reject(signal?.aborted ? signal.reason : fromWire(message.error)));
          } catch (error) {
            fail(error);
          }
        },
        (reason, cause) => finish(() => reject(new WorkerError(`fitInWorker: the worker failed: ${reason}`, cause))),
      );
      signal?.addEventListener('abort', abort, { once: true });
      try {
        ch.post({ recurFit: 1, id, type: 'fit', params: options.params, options: wire } satisfies ToWorker);
      } catch (error) {
        // postMessage throws a DataCloneError for functions, tensors, class instances with private state.
        finish(() =>
          reject(
            new ValueError(
              `fitInWorker: 'params' must be structured-cloneable (plain data, typed arrays): ${error instanceof Error ? error.message : String(error)}`,
            ),
          ),
        );
      }
    });
  } finally {
    owned?.terminate();
  }
}
