/**
 * Tensors with reverse-mode autograd: ops and their gradients, `scope()` and `dispose()`, the backend registry (`registerBackend`, `useBackend`), seeded random numbers, `init` and safetensors I/O.
 *
 * @packageDocumentation
 * @module @recur/tensor
 */

export * from '@recur/tensor';
