// @recur/backend-cpu: the reference backend, BackendV1 over host typed arrays in TypeScript,
// with WebAssembly SIMD matmul and fused cells. Importing it registers nothing; call
// `registerBackend(cpu())`.

export { createCpuBackend, cpu, cpuThreads, type CpuBackendOptions } from './backend.js';
export type { CpuBuffer } from './memory.js';
export { wasmSimdAvailable } from './wasm-runtime.js';
export { enableRelaxedSimd, relaxedSimdAvailable } from './relaxed-simd.js';
