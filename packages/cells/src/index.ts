// @recur/cells: modules (Module, Parameter, Linear, Embedding, Dropout, LayerNorm, Sequential),
// RNN/LSTM/GRU cells and layers with PyTorch's semantics and state-dict keys, and losses.

export { Parameter } from './parameter.js';
export { Module, type StateDict, type LoadResult } from './module.js';
export { StateDictError } from './errors.js';
export * from './modules/index.js';
export * from './losses/index.js';
export * from './rnn/index.js';
export * from './models/index.js';
export * from './attention/index.js';
export * from './decoding/index.js';
export * from './stream/index.js';
