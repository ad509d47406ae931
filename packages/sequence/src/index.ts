// @recur/sequence: variable-length batches in PyTorch's torch.nn.utils.rnn layouts: padding,
// PackedSequence packing and unpacking, and length masks. T time steps, B sequences.

export { PackedSequence, stepOffsets, type PackedSequenceOptions } from './packed-sequence.js';
export { packPaddedSequence, packSequence, type PackPaddedOptions, type PackSequenceOptions } from './pack.js';
export { padPackedSequence, unpackSequence, type PadPackedOptions } from './unpack.js';
export { padSequence, unpadSequence, type PadSequenceOptions, type UnpadSequenceOptions } from './pad-sequence.js';
export { lengthsToMask, type LengthsToMaskOptions } from './mask.js';
export type { Lengths } from './lengths.js';
