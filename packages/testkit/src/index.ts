// @recur/testkit: test helpers shared across Recur's packages. Backend conformance first: every
// backend ≡ the CPU reference.

export * from './conformance/index.js';
export * from './gradcheck/index.js';
export * from './fused/index.js';
export * from './fused/adam.js';
export * from './fused/layer-norm-lstm.js';
