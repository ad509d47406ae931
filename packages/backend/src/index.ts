// @recur/backend: the backend interface (BackendV1), op tables and pure helpers shared by every
// backend. No state and no dependencies.

export * from './dtype.js';
export * from './errors.js';
export * from './ops.js';
export * from './view.js';
export * from './philox.js';
export * from './mulberry32.js';
export * from './fused.js';
export * from './recurrent-sequence.js';
export * from './layer-norm-lstm-sequence.js';
export * from './quantized.js';
export * from './backend.js';
export * from './checks.js';
export * from './args.js';
