/**
 * Checkpoint files on disk (entry `@recur/optim/node`).
 *
 * @packageDocumentation
 * @module @recur/optim/node
 */

export * from '@recur/optim/node';
