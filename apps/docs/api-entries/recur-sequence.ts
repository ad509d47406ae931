/**
 * Variable-length batches: `padSequence`, `PackedSequence`, `packPaddedSequence`, `padPackedSequence` and masks.
 *
 * @packageDocumentation
 * @module @recur/sequence
 */

export * from '@recur/sequence';
