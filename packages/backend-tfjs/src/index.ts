// @recur/backend-tfjs: a Recur backend on TensorFlow.js (cpu, wasm, webgl or webgpu). Importing it
// registers nothing; call `registerBackend(tfjs({ backend: 'wasm' }))`. @tensorflow/tfjs-core
// and the chosen @tensorflow/tfjs-backend-* are peers, imported when the backend is created.

export { createTfjsBackend, tfjs, type TfjsBackendOptions } from './backend.js';
export { TFJS_BACKENDS, defaultTfjsBackend, type TfjsBackendName } from './engine.js';
export type { TfjsBuffer } from './memory.js';
