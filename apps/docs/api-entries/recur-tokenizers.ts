/**
 * Text to ids and back: `Vocab`, word and character tokenizers, byte-level BPE with tokenizer.json I/O.
 *
 * @packageDocumentation
 * @module @recur/tokenizers
 */

export * from '@recur/tokenizers';
