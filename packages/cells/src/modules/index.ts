// The basic modules: Linear, Embedding, Dropout, LayerNorm and Sequential, with PyTorch's
// option names, defaults and state-dict keys.

export { Linear, type LinearOptions } from './linear.js';
export { Embedding, type EmbeddingOptions, type EmbeddingFromPretrainedOptions } from './embedding.js';
export { Dropout, dropout, type DropoutOptions } from './dropout.js';
export { LayerNorm, type LayerNormOptions } from './layer-norm.js';
export { Sequential, type SequentialLayer } from './sequential.js';
