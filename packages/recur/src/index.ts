// recur: the umbrella package. Re-exports the tensor core, modules, sequences and training
// toolkit at the top level (metrics, tokenizers and datasets as namespaces, since their names
// overlap), and `createDefault()` to register backends in one call.

export * from '@recur/tensor';
export * from '@recur/cells';
export * from '@recur/sequence';
export * from '@recur/optim';
export { cpu, createCpuBackend } from '@recur/backend-cpu';
export * as metrics from '@recur/metrics';
export * as tokenizers from '@recur/tokenizers';
export * as datasets from '@recur/datasets';
export { createDefault, type DefaultOptions, type DefaultSetup } from './default.js';
