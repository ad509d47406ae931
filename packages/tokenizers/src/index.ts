// @recur/tokenizers: text to ids and back with plain arrays and Int32Array — Vocab with the
// seed's <PAD>/<UNK>, Unicode word and char tokenizers, byte-level BPE with tokenizer.json I/O.

export { TokenizerError, FormatError } from './errors.js';
export {
  Vocab,
  PAD,
  UNK,
  BOS,
  EOS,
  type VocabOptions,
  type VocabBuildOptions,
  type VocabJSON,
  type EncodeOptions,
  type DecodeOptions,
} from './vocab.js';
export { CharTokenizer, type CharTokenizerOptions, type TextTokenizer } from './char-tokenizer.js';
export { WordTokenizer, type WordTokenizerOptions, type Segmentation } from './word-tokenizer.js';
export { BPE, type BpeModel, type BpeEncodeOptions, type BpeDecodeOptions, type ModelReport } from './bpe.js';
export { WordCounter, learnBpe, type BpeTrainOptions, type LearnedBpe } from './bpe-trainer.js';
export type { AddedToken } from './added-tokens.js';
export type { TokenizerJSON } from './tokenizer-json.js';
export { encodeWtf8, decodeWtf8 } from './wtf8.js';
export { BYTE_TO_CHAR, GPT2_PATTERN } from './byte-level.js';
