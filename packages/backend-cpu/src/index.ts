// @recur/backend-cpu: the reference backend, BackendV1 over host typed arrays in plain
// TypeScript. Importing it registers nothing; call `registerBackend(cpu())`.

export { createCpuBackend, cpu, type CpuBackendOptions } from './backend.js';
export type { CpuBuffer } from './memory.js';
