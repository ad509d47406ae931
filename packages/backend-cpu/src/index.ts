// @recur/backend-cpu: the reference backend, BackendV1 in TypeScript over typed arrays (views of
// its wasm memory where it can), with WebAssembly SIMD matmul and fused cells. Importing it
// registers nothing; call `registerBackend(cpu())`.

export { createCpuBackend, cpu, cpuThreads, type CpuBackendOptions } from './backend.js';
export type { CpuBuffer } from './memory.js';
export { wasmSimdAvailable } from './wasm-runtime.js';
export { enableRelaxedSimd, relaxedSimdAvailable } from './relaxed-simd.js';
