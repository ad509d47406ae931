/**
 * File checkpoints for fit in Node (entry `@recur/train/node`).
 *
 * @packageDocumentation
 * @module @recur/train/node
 */

export * from '@recur/train/node';
