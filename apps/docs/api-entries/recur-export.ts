/**
 * ONNX export and import, whole-model files, pruning and compressed weights (entry `@recur/export`).
 *
 * @packageDocumentation
 * @module @recur/export
 */

export * from '@recur/export';
