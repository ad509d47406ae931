// Training in a worker: fitInWorker on the page (or Node's main thread), serveFit in the worker.

export { fitInWorker, type FitInWorkerOptions, type WorkerCheckpointOptions, type WorkerFitResult } from './fit-in-worker.js';
export {
  serveFit,
  type AnyWorkerFitSetup,
  type ServeFitOptions,
  type WorkerFitSetup,
  type WorkerTask,
  type WorkerTaskContext,
} from './serve-fit.js';
export { WorkerError } from './wire-error.js';
export type { NodeWorkerLike, WebWorkerLike, WorkerLike } from './channel.js';
