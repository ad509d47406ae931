// Attention: scaled dot-product (functional), multi-head (PyTorch's nn.MultiheadAttention),
// additive (Bahdanau) and general (Luong, bilinear) attention over batch-first sequences.

export { scaledDotProductAttention, causalMask, type ScaledDotProductAttentionOptions } from './scaled-dot-product.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from './multihead-attention.js';
export { AdditiveAttention, type AdditiveAttentionOptions, type AttentionForwardOptions } from './additive-attention.js';
export { GeneralAttention, type GeneralAttentionOptions } from './general-attention.js';
