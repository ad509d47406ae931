/**
 * Classification, regression and sequence metrics on plain arrays, each with a streaming accumulator.
 *
 * @packageDocumentation
 * @module @recur/metrics
 */

export * from '@recur/metrics';
