// @recur/sample-g2p: the `g2p` task (grapheme-to-phoneme translation on CMUdict with an
// attentional LSTM encoder–decoder) for the `recur` CLI, and its parts as a code example.

export { g2pTask } from './g2p-task.js';
export { G2P_ATTENTIONS, G2P_DEFAULTS, G2P_QUICK, checkG2pConfig, type G2pAttention, type G2pConfig } from './g2p-config.js';
export {
  G2pVocab,
  MAX_PREDICT_LETTERS,
  WORD_PATTERN,
  g2pPairs,
  normalizeWord,
  phonemeSpelling,
  sample,
  type G2pExample,
  type G2pPair,
} from './g2p-data.js';
export { applyLetterRules, fitLetterRules, type LetterRules } from './g2p-baseline.js';
export { anyMatchMetrics, pronunciationsByWord } from './g2p-any-match.js';
export { G2pModel, type DecoderState, type DecoderStep, type G2pModelOptions, type Memory } from './g2p-model.js';
export { decodeBatch, letterBatch, maxSteps, type DecodeOptions, type Decoded } from './g2p-decode.js';
export { G2pRun, g2pMetrics, type G2pSplits } from './g2p-run.js';
