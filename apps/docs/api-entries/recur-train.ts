/**
 * Training: fit, evaluate, predict, callbacks, summary, truncated BPTT, fitInWorker (entry `@recur/train`).
 *
 * @packageDocumentation
 * @module @recur/train
 */

export * from '@recur/train';
