// Decoding over a step function (tokens, state) → [logits, state]: greedy search, batched beam
// search (width, length normalisation, n-best) and sampling (temperature, top-k, top-p, seeded).

export { greedySearch, type DecodedSequence } from './greedy-search.js';
export { beamSearch, type BeamSearchOptions, type ScoredSequence } from './beam-search.js';
export { sample, samplingDistribution, type SampleOptions } from './sampling.js';
export {
  reorder as reorderState,
  logSoftmaxRows,
  type DecodeState,
  type DecodeOptions,
  type StepFunction,
  type StreamingDecodeOptions,
  type TokensCallback,
} from './step.js';
