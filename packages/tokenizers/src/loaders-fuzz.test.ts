// Fuzz the tokenizer file readers (BPE.fromJSON for tokenizer.json, Vocab.fromJSON) with the
// shared seeded mutation engine: every input loads — and the loaded tokenizer then encodes and
// decodes — or throws FormatError; never another error, never a hang. RECUR_FUZZ_RUNS=200000
// runs a longer search (see the testkit fuzz engine).

import { describe, expect, it } from 'vitest';
// The engine is the private testkit's `./fuzz` entry, which imports nothing else (a devDependency only).
import {
  fuzz,
  fuzzRuns,
  fuzzSeed,
  fuzzTimeout,
  formatFailures,
  mutateBytes,
  mutateJson,
  type FuzzCase,
  type FuzzRandom,
} from '@recur/testkit/fuzz';
import { BPE } from './bpe.js';
import { FormatError } from './errors.js';
import { Vocab } from './vocab.js';

const runs = fuzzRuns(5000);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Half structural (JSON) mutations, half byte-level ones decoded back to text; a few parsed objects. */
function generateFrom(corpus: readonly string[]) {
  const bytes = corpus.map((text) => encoder.encode(text));
  return (rng: FuzzRandom): FuzzCase<string | { value: unknown }> => {
    const seed = rng.pick(corpus);
    if (rng.chance(0.5)) {
      const mutated = mutateJson(seed, rng);
      if (mutated) {
        // Readers take parsed objects too: give some cases as a value, not text.
        if (rng.chance(0.2)) {
          try {
            return { input: { value: JSON.parse(mutated.text) }, mutations: ['json-value', ...mutated.applied] };
          } catch {
            // nesting too deep for this engine to re-parse is still fine as text
          }
        }
        return { input: mutated.text, mutations: ['json', ...mutated.applied] };
      }
    }
    const { bytes: mutated, applied } = mutateBytes(encoder.encode(seed), rng, { corpus: bytes });
    return { input: decoder.decode(mutated), mutations: ['bytes', ...applied] };
  };
}

const unwrap = (input: string | { value: unknown }): unknown => (typeof input === 'string' ? input : input.value);
const show = (input: string | { value: unknown }): string => (typeof input === 'string' ? input.slice(0, 300) : '(parsed value)');

describe('tokenizer.json fuzz', () => {
  const corpus = [
    JSON.stringify(BPE.trainSync(['hello world, hello there', 'low lower lowest'], { vocabSize: 264 })),
    JSON.stringify(BPE.trainSync(['<s> ab ab ab abc </s>', 'été café'], { vocabSize: 262, specials: ['<s>', '</s>'] })),
  ];

  it(
    `${runs} seeded mutations each load (and encode) or throw FormatError`,
    async () => {
      const report = await fuzz({
        name: 'tokenizer.json',
        runs,
        seed: fuzzSeed(),
        generate: generateFrom(corpus),
        load: (input) => {
          const bpe = BPE.fromJSON(unwrap(input));
          try {
            bpe.decode(bpe.encode('hello lower café <s>'));
          } catch (error) {
            throw new Error(`a tokenizer that loaded failed to encode: ${String(error)}`, { cause: error });
          }
        },
        accept: (error) => error instanceof FormatError,
        show,
      });
      expect(report.failures, formatFailures(report)).toEqual([]);
      expect(report.loaded).toBeGreaterThan(runs / 100);
      expect(report.refused).toBeGreaterThan(runs / 2);
    },
    fuzzTimeout(runs),
  );
});

describe('Vocab JSON fuzz', () => {
  const corpus = [
    JSON.stringify(
      Vocab.build([
        ['the', 'cat', 'sat'],
        ['the', 'dog'],
      ]),
    ),
    JSON.stringify(Vocab.build([['a', 'b', '__proto__', 'constructor']], { bos: true, eos: true })),
  ];

  it(
    `${runs} seeded mutations each load (and encode) or throw FormatError`,
    async () => {
      const report = await fuzz({
        name: 'vocab.json',
        runs,
        seed: fuzzSeed(),
        generate: generateFrom(corpus),
        load: (input) => {
          const vocab = Vocab.fromJSON(unwrap(input));
          try {
            vocab.decode(vocab.encode(['the', 'cat', 'zebra', '__proto__']));
          } catch (error) {
            throw new Error(`a vocab that loaded failed to encode: ${String(error)}`, { cause: error });
          }
        },
        accept: (error) => error instanceof FormatError,
        show,
      });
      expect(report.failures, formatFailures(report)).toEqual([]);
      expect(report.loaded).toBeGreaterThan(runs / 100);
      expect(report.refused).toBeGreaterThan(runs / 2);
    },
    fuzzTimeout(runs),
  );
});
