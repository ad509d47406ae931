// @recur/backend-webgpu: BackendV1 on WebGPU, with WGSL kernels generated from the shared op
// tables and hand-written ones for matmul, reductions and the fused cells. Importing it registers
// nothing; call `registerBackend(webgpu())` or `await createWebGPUBackend()`.

// The types name GPUDevice and friends: these pull @webgpu/types (a dependency) and the DOM lib
// it builds on into every consumer's program, whatever its `types` and `lib` settings (the
// published declarations carry the same two lines, see tsup.config.ts).
/// <reference lib="dom" />
/// <reference types="@webgpu/types" />

export { createWebGPUBackend, webgpu, type WebGPUBackend, type WebGPUBackendOptions, type WebGPUStats } from './backend.js';
export type { WebGPUBuffer } from './memory.js';
export type { RecurrentPolicy, RecurrentWeights } from './recurrent-policy.js';
export type { PoolStats } from './buffer-pool.js';
export type { PassTiming } from './pass-timer.js';
export { planGrid, type GridChunk } from './dispatch-grid.js';
export { bucketBytes } from './buffer-pool.js';
