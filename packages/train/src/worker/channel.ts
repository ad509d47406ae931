// One shape for both ends of a worker, whatever the host: a browser Worker or worker scope
// (addEventListener, event.data) and Node's worker_threads Worker or parentPort (on, the data
// itself). Node's module is reached through process.getBuiltinModule, never a static import, so
// this file bundles for browsers.

import { ValueError, describeValue } from '@recur/backend';

/** A page's Web Worker or a worker's own scope: what fitInWorker and serveFit use of it. */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: string, listener: (event: { data?: unknown; message?: string; error?: unknown }) => void): void;
  removeEventListener(type: string, listener: (event: { data?: unknown; message?: string; error?: unknown }) => void): void;
}

/** Node's worker_threads Worker or parentPort. */
export interface NodeWorkerLike {
  postMessage(message: unknown, transferList?: readonly unknown[]): void;
  on(event: string, listener: (value: unknown) => void): unknown;
  off(event: string, listener: (value: unknown) => void): unknown;
}

export type WorkerLike = WebWorkerLike | NodeWorkerLike;

export interface Channel {
  post(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  /** Listen for messages and for the other side failing (a worker's uncaught error or exit); returns the unsubscribe. */
  listen(onMessage: (data: unknown) => void, onFailure?: (reason: string, cause?: unknown) => void): () => void;
}

function isNodeLike(target: WorkerLike): target is NodeWorkerLike {
  return typeof (target as NodeWorkerLike).on === 'function' && typeof (target as NodeWorkerLike).off === 'function';
}

export function isWorkerLike(value: unknown): value is WorkerLike {
  if (value === null || typeof value !== 'object' || typeof (value as WorkerLike).postMessage !== 'function') return false;
  return isNodeLike(value as WorkerLike) || typeof (value as WebWorkerLike).addEventListener === 'function';
}

export function channel(target: WorkerLike): Channel {
  if (isNodeLike(target)) {
    return {
      post: (message, transfer) => target.postMessage(message, transfer),
      listen(onMessage, onFailure) {
        const message = (data: unknown): void => onMessage(data);
        const error = (cause: unknown): void => onFailure?.(cause instanceof Error ? cause.message : String(cause), cause);
        const exit = (code: unknown): void => onFailure?.(`the worker exited with code ${describeValue(code)}`);
        target.on('message', message);
        target.on('error', error);
        target.on('exit', exit);
        target.on('messageerror', error);
        return () => {
          target.off('message', message);
          target.off('error', error);
          target.off('exit', exit);
          target.off('messageerror', error);
        };
      },
    };
  }
  return {
    post: (message, transfer) => target.postMessage(message, transfer ? [...transfer] : []),
    listen(onMessage, onFailure) {
      const message = (event: { data?: unknown }): void => onMessage(event.data);
      const error = (event: { message?: string; error?: unknown }): void =>
        onFailure?.(event.message || 'the worker failed (a script error, or it could not load)', event.error);
      target.addEventListener('message', message);
      target.addEventListener('error', error);
      target.addEventListener('messageerror', error);
      return () => {
        target.removeEventListener('message', message);
        target.removeEventListener('error', error);
        target.removeEventListener('messageerror', error);
      };
    },
  };
}

interface Host {
  readonly process?: { getBuiltinModule?: (id: string) => unknown };
  readonly document?: unknown;
}

/** Node's worker_threads, or null off Node. */
export function nodeWorkerThreads(): {
  parentPort: NodeWorkerLike | null;
  Worker: new (url: URL | string, options?: object) => NodeWorkerLike & { terminate(): Promise<number> };
} | null {
  try {
    return ((globalThis as Host).process?.getBuiltinModule?.('node:worker_threads') as ReturnType<typeof nodeWorkerThreads>) ?? null;
  } catch {
    return null;
  }
}

/** Inside a worker: Node's parentPort, or the Web Worker's own scope. */
export function ownPort(): WorkerLike {
  const parent = nodeWorkerThreads()?.parentPort;
  if (parent) return parent;
  const scope = globalThis as unknown as Partial<WebWorkerLike> & Host;
  if (scope.document === undefined && typeof scope.postMessage === 'function' && typeof scope.addEventListener === 'function') {
    return scope as WebWorkerLike;
  }
  throw new ValueError(
    'serveFit: not inside a worker (no worker_threads parentPort, no worker scope); run it in the worker script, or pass { port }',
  );
}
