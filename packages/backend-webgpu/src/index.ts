// @recur/backend-webgpu: BackendV1 on WebGPU, with WGSL kernels generated from the shared op
// tables and hand-written ones for matmul, reductions and the fused cells. Importing it registers
// nothing; call `registerBackend(webgpu())` or `await createWebGPUBackend()`.

export {
  createWebGPUBackend,
  webgpu,
  type WebGPUBackend,
  type WebGPUBackendOptions,
  type WebGPUStats,
} from './backend.js';
export type { WebGPUBuffer } from './memory.js';
export type { PoolStats } from './buffer-pool.js';
export { planGrid, type GridChunk } from './dispatch-grid.js';
export { bucketBytes } from './buffer-pool.js';
