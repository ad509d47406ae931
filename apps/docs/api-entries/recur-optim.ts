/**
 * Optimizers, learning-rate schedulers, gradient clipping and checkpoints.
 *
 * @packageDocumentation
 * @module @recur/optim
 */

export * from '@recur/optim';
