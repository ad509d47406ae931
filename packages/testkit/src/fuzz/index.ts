// Seeded mutation fuzzing for Recur's loaders (safetensors, checkpoints, tokenizer.json, vocab
// files, CSV, JSONL): one engine, one loop, used by every loader's fuzz test.

export { FuzzRandom, caseSeed } from './random.js';
export { BYTE_MUTATORS, DEFAULT_DICTIONARY, HOSTILE_NUMBERS, mutateBytes, nestingText, type ByteMutationOptions } from './mutate-bytes.js';
export { mutateJson } from './mutate-json.js';
export {
  fuzz,
  fuzzRuns,
  fuzzSeed,
  fuzzTimeout,
  formatFailures,
  type FuzzCase,
  type FuzzFailure,
  type FuzzOptions,
  type FuzzReport,
} from './run.js';
