// serveFit(task): the worker side of fitInWorker. The worker script imports its task — a function
// of the page's params that builds the model, data, loss and optimizer (code cannot cross a
// worker boundary; params, options and bytes can) — and serves fit runs: progress events and
// checkpoints go back as they happen, the final weights as safetensors bytes at the end.

import { ValueError, checkOptions, describeValue, serializeSafetensors } from '@recur/tensor';
import { checkpoint } from '../fit/checkpoint.js';
import { earlyStopping } from '../fit/early-stopping.js';
import { fit, type FitOptions } from '../fit/fit.js';
import { terminateOnNonFinite } from '../fit/non-finite.js';
import { progress } from '../fit/progress.js';
import type { Callback, FitModel } from '../fit/types.js';
import { channel, ownPort, type Channel, type WorkerLike } from './channel.js';
import { isFitMessage, type FromWorker, type ToWorker, type WireFitOptions, type WireResult } from './protocol.js';
import { toWire } from './wire-error.js';

/** What a task builds: the model and fit's options (epochs may come from the page instead; the signal is the page's). */
export type WorkerFitSetup<M extends FitModel = FitModel, B = unknown> = Omit<FitOptions<M, B>, 'signal' | 'epochs'> & {
  readonly model: M;
  readonly epochs?: number;
};

export interface WorkerTaskContext {
  /** Aborted when the page cancels the run. */
  readonly signal: AbortSignal;
  /** Send data of your own to the page (fitInWorker's onMessage): a forecast to draw, a sample output. */
  post(data: unknown, transfer?: readonly ArrayBuffer[]): void;
}

/** A function type with its parameters erased (any function of that result fits). */
type Loosened<T> = T extends (...args: never) => infer R ? (...args: never) => R : T;

/**
 * A setup of any model and batch type: one worker may serve several tasks (a forecaster, a
 * classifier) chosen by params. Build each as a typed `WorkerFitSetup<M, B>` (so its loss sees
 * the model's type) and return it; only here are the functions' parameter types erased.
 */
export type AnyWorkerFitSetup = { readonly [K in keyof WorkerFitSetup]: Loosened<WorkerFitSetup[K]> };

/** Builds one run from the page's params (structured-cloned); may be async (fetch data, pick a backend). */
export type WorkerTask<P> = (params: P, context: WorkerTaskContext) => AnyWorkerFitSetup | Promise<AnyWorkerFitSetup>;

export interface ServeFitOptions {
  /** Where fit messages come from: by default Node's parentPort, or the Web Worker's own scope. */
  readonly port?: WorkerLike;
}

const SETUP_KEYS = [
  'model',
  'train',
  'validation',
  'loss',
  'optimizer',
  'scheduler',
  'epochs',
  'clipGradNorm',
  'callbacks',
  'batchSize',
  'validate',
];

/** The callbacks the page asked for, by options, and the store that keeps the checkpoints they write. */
function wireCallbacks(
  options: WireFitOptions,
  send: (m: FromWorker) => void,
  id: number,
  saved: { last?: Uint8Array; best?: Uint8Array },
): Callback[] {
  const callbacks: Callback[] = [];
  if (options.earlyStopping !== undefined) callbacks.push(earlyStopping(options.earlyStopping));
  if (options.terminateOnNonFinite !== undefined) callbacks.push(terminateOnNonFinite(options.terminateOnNonFinite));
  const c = options.checkpoint;
  if (c !== undefined) {
    const resume = c.resume;
    callbacks.push(
      checkpoint({
        ...(c.last ? { last: 'last' } : {}),
        ...(c.best ? { best: 'best' } : {}),
        ...(c.monitor !== undefined ? { monitor: c.monitor } : {}),
        ...(c.mode !== undefined ? { mode: c.mode } : {}),
        resume: resume !== undefined,
        save: async (which, bytes) => {
          saved[which as 'last' | 'best'] = bytes;
          if (c.stream) send({ recurFit: 1, id, type: 'checkpoint', which: which as 'last' | 'best', bytes: bytes.slice() });
        },
        load: async () => resume ?? null,
      }),
    );
  }
  return callbacks;
}

async function runFit<P>(
  task: WorkerTask<P>,
  message: Extract<ToWorker, { type: 'fit' }>,
  signal: AbortSignal,
  ch: Channel,
): Promise<WireResult> {
  const { id, options } = message;
  const send = (m: FromWorker, transfer?: readonly ArrayBuffer[]): void => ch.post(m, transfer);
  const context: WorkerTaskContext = { signal, post: (data, transfer) => send({ recurFit: 1, id, type: 'message', data }, transfer) };
  // The page's callbacks first: a mistake in their options fails before the task builds anything.
  const saved: { last?: Uint8Array; best?: Uint8Array } = {};
  const requested = wireCallbacks(options, send, id, saved);
  const setup = await task(message.params as P, context);
  checkOptions('serveFit: the task', setup, SETUP_KEYS);
  const { model, callbacks = [], epochs, ...rest } = setup;
  const all: Callback[] = [
    ...callbacks,
    ...requested,
    // Last, so an epoch's logs carry what the other callbacks added.
    progress((event) => send({ recurFit: 1, id, type: 'progress', event })),
  ];
  const epochCount = options.epochs ?? epochs;
  const fitOptions = {
    ...rest,
    ...(options.clipGradNorm !== undefined ? { clipGradNorm: options.clipGradNorm } : {}),
    epochs: epochCount as number,
    callbacks: all,
    signal,
  };
  // The task's loss and model belong together (AnyWorkerFitSetup only erased their types).
  const result = await fit(model, fitOptions as unknown as FitOptions<FitModel, unknown>);
  const weights = await serializeSafetensors(model.stateDict());
  return { ...result, weights, ...(saved.best ? { best: saved.best } : {}), ...(saved.last ? { last: saved.last } : {}) };
}

/**
 * Serve fitInWorker's runs in this worker, one after another; returns a function that stops
 * serving. Messages that are not fit messages are left to the worker's other listeners.
 */
export function serveFit<P>(task: WorkerTask<P>, options: ServeFitOptions = {}): () => void {
  if (typeof task !== 'function')
    throw new ValueError(`serveFit: expected a task function (params, context) => setup; got ${describeValue(task)}`);
  const { port } = checkOptions('serveFit', options, ['port']);
  const ch = channel(port ?? ownPort());
  const running = new Map<number, AbortController>();
  let queue: Promise<void> = Promise.resolve();
  return ch.listen((data) => {
    if (!isFitMessage(data)) return;
    const message = data as ToWorker;
    if (message.type === 'abort') {
      running.get(message.id)?.abort(new DOMException(message.reason, 'AbortError'));
      return;
    }
    if (message.type !== 'fit') return;
    const controller = new AbortController();
    running.set(message.id, controller);
    queue = queue.then(async () => {
      try {
        const result = await runFit(task, message, controller.signal, ch);
        const transfer = [result.weights, result.best, result.last].filter((b) => b !== undefined).map((b) => b.buffer as ArrayBuffer);
        ch.post({ recurFit: 1, id: message.id, type: 'done', result } satisfies FromWorker, [...new Set(transfer)]);
      } catch (error) {
        ch.post({ recurFit: 1, id: message.id, type: 'error', error: toWire(error) } satisfies FromWorker);
      } finally {
        running.delete(message.id);
      }
    });
  });
}
