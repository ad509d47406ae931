/**
 * The WebGPU backend: `registerBackend(webgpu())` in browsers (navigator.gpu) and in Node (the `webgpu` package).
 *
 * @packageDocumentation
 * @module @recur/backend-webgpu
 */

export * from '@recur/backend-webgpu';
