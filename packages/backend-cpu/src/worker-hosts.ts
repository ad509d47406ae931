// Where the thread pool can start workers, and how: Node's worker_threads (the program as an eval'd
// script) or, on a cross-origin isolated page, Web Workers from a Blob URL of the same script
// (so no worker file has to be found next to a bundle). Neither is imported statically, so this
// module loads anywhere; elsewhere there is no factory and the backend runs on one thread.

import { WORKER_SOURCE } from './worker-program.js';

/** A started worker, whatever the host. */
export interface WorkerHandle {
  post(message: unknown): void;
  terminate(): void;
}

/** Starts workers running WORKER_SOURCE; `release` once no more will be started. */
export interface WorkerFactory {
  spawn(onFailure: () => void): WorkerHandle;
  release(): void;
}

/** For tests and diagnostics: workers started, and those not yet exited (terminated, on the web). */
export const workerCounts = { started: 0, live: 0 };

interface NodeWorker {
  postMessage(message: unknown): void;
  terminate(): Promise<number>;
  unref(): void;
  on(event: 'error' | 'exit', listener: () => void): void;
}
type NodeWorkerThreads = { Worker: new (source: string, options: { eval: true }) => NodeWorker };
type BrowserWorker = { postMessage(message: unknown): void; terminate(): void; onerror: (() => void) | null };

interface Host {
  readonly process?: { getBuiltinModule?: (id: string) => unknown };
  readonly Worker?: new (url: string) => BrowserWorker;
  readonly crossOriginIsolated?: boolean;
  readonly Blob?: new (parts: string[], options: { type: string }) => object;
  readonly URL?: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
}
const host = globalThis as Host;

/** Node's worker_threads without a static import (which browser bundles could not resolve). */
function nodeWorkerThreads(): NodeWorkerThreads | null {
  try {
    return (host.process?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined) ?? null;
  } catch {
    return null;
  }
}

/** Whether a page may share memory with Web Workers: only a cross-origin isolated one. */
function browserWorkers(): boolean {
  return typeof host.Worker === 'function' && typeof host.Blob === 'function' && !!host.URL && host.crossOriginIsolated === true;
}

/** Whether workers over shared memory can run here at all. */
export function workersSupported(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object' && (nodeWorkerThreads() !== null || browserWorkers());
}

/**
 * A way to start workers here, or null: Node with `process.getBuiltinModule` (≥ 20.16), or a
 * cross-origin isolated page.
 */
export function workerFactory(): WorkerFactory | null {
  const threads = nodeWorkerThreads();
  if (threads) {
    return {
      spawn(onFailure) {
        const worker = new threads.Worker(WORKER_SOURCE, { eval: true });
        workerCounts.started++;
        workerCounts.live++;
        // An idle pool must never keep the process alive.
        worker.unref();
        worker.on('error', onFailure);
        worker.on('exit', () => workerCounts.live--);
        return { post: (message) => worker.postMessage(message), terminate: () => void worker.terminate() };
      },
      release() {},
    };
  }
  const { Worker, Blob, URL } = host;
  if (!browserWorkers() || !Worker || !Blob || !URL) return null;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return {
    spawn(onFailure) {
      const worker = new Worker(url);
      workerCounts.started++;
      workerCounts.live++;
      worker.onerror = onFailure;
      // A Web Worker reports no exit: count it gone once terminated.
      return {
        post: (message) => worker.postMessage(message),
        terminate: () => {
          worker.terminate();
          workerCounts.live--;
        },
      };
    },
    release: () => URL.revokeObjectURL(url),
  };
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
let blockingWait: boolean | undefined;
export function canBlock(): boolean {
  if (blockingWait === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingWait = true;
    } catch {
      blockingWait = false;
    }
  }
  return blockingWait;
}
