/**
 * Node.js file helpers for tensors (entry `@recur/tensor/node`): atomic writes and safetensors files on disk.
 *
 * @packageDocumentation
 * @module @recur/tensor/node
 */

export * from '@recur/tensor/node';
