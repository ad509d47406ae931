// @recur/sample-g2p/browser: the parts of the g2p sample that run in a browser or a Web Worker —
// the encoder–decoder, greedy and beam decoding, and the vocabularies a checkpoint carries —
// without the task, the CLI's error types or the CMUdict loader (which need Node).

export { G2P_ATTENTIONS, type G2pAttention, type G2pConfig } from './g2p-config.js';
export { G2pVocab, MAX_PREDICT_LETTERS, WORD_PATTERN, type G2pExample, type G2pPair } from './g2p-vocab.js';
export { G2pModel, type DecoderState, type DecoderStep, type G2pModelOptions, type Memory } from './g2p-model.js';
export { decodeBatch, letterBatch, maxSteps, type DecodeOptions, type Decoded } from './g2p-decode.js';
