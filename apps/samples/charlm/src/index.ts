// @recur/sample-charlm: the `charlm` task (a character LSTM language model on Moby Dick) for the
// `recur` CLI, with the generation `recur generate` streams, and its parts as a code example.

export { charlmTask } from './charlm-task.js';
export { CHARLM_DEFAULTS, CHARLM_QUICK, type CharLmConfig } from './charlm-config.js';
export { CharLmModel, type CharLmModelOptions, type LstmState } from './charlm-model.js';
export { CharLmRun, type CharLmSplits } from './charlm-run.js';
export { generate, type GenerateOptions } from './charlm-sample.js';
export { CharVocab, UNKNOWN_CHAR, unigramNll } from './charlm-text.js';
export { exportCharLmOnnx } from './charlm-onnx.js';
