// Fuzz the CSV and JSONL readers with the shared seeded mutation engine, as text and as byte
// streams cut at random points: every input reads through or throws FormatError (a CSV error
// naming a line inside the file); never another error, never a hang. RECUR_FUZZ_RUNS=200000
// runs a longer search (see the testkit fuzz engine).

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FormatError } from '@recur/tensor';
// The engine is the private testkit's `./fuzz` entry, which imports nothing else (a devDependency only).
import { fuzz, fuzzRuns, fuzzSeed, fuzzTimeout, formatFailures, mutateBytes, type FuzzCase, type FuzzRandom } from '@recur/testkit/fuzz';
import { readCsv } from './csv.js';
import { readJsonl } from './jsonl.js';

const runs = fuzzRuns(5000);
const encoder = new TextEncoder();

interface TextCase {
  readonly bytes: Uint8Array;
  /** Where the stream is cut into chunks (empty: one `{ text }` source). */
  readonly cuts: readonly number[];
  readonly header: boolean;
}

function generateFrom(corpus: readonly string[]) {
  const seeds = corpus.map((text) => encoder.encode(text));
  return (rng: FuzzRandom): FuzzCase<TextCase> => {
    const { bytes, applied } = mutateBytes(rng.pick(seeds), rng, { corpus: seeds, maxMutations: 6 });
    const cuts = rng.chance(0.5) ? [] : Array.from({ length: rng.between(1, 4) }, () => rng.below(bytes.length + 1)).sort((a, b) => a - b);
    return { input: { bytes, cuts, header: rng.chance(0.8) }, mutations: applied };
  };
}

/** The case as a reader source: decoded text, or byte chunks cut at the chosen offsets. */
function source(input: TextCase): { text: string; name: string } | Readable {
  if (input.cuts.length === 0) return { text: new TextDecoder().decode(input.bytes), name: 'fuzz' };
  const bounds = [0, ...input.cuts, input.bytes.length];
  return Readable.from(bounds.slice(1).map((end, i) => Buffer.from(input.bytes.subarray(bounds[i], end))));
}

const show = (input: TextCase): string =>
  `cuts [${input.cuts.join(',')}] ${JSON.stringify(new TextDecoder().decode(input.bytes.subarray(0, 200)))}`;

/** Lines in the text as the readers count them (\r\n, \r and \n each end one). */
const lineCount = (bytes: Uint8Array): number => new TextDecoder().decode(bytes).split(/\r\n|\r|\n/).length;

describe('CSV fuzz', () => {
  const corpus = [
    'year,month,births\n1969,1,8486\n1969,2,9002\n',
    'id,text,label\r\n1,"hello, world",ham\r\n2,"two\r\nlines",spam\r\n3,"say ""hi""",ham\r\n',
    '\ufeffa;b\n# note\n"x;y";2\n\n3;4',
    '__proto__,constructor,toString\n1,2,3\n',
  ];

  it(
    `${runs} seeded mutations each read through or throw FormatError at a line of the file`,
    async () => {
      const report = await fuzz({
        name: 'csv',
        runs,
        seed: fuzzSeed(),
        generate: generateFrom(corpus),
        load: async (input) => {
          const delimiter = input.bytes.includes(0x3b) ? ';' : ',';
          try {
            for await (const row of readCsv(source(input), { header: input.header, delimiter, comment: '#' })) void row;
          } catch (error) {
            const line = error instanceof FormatError ? /^[^:]+:(\d+): /.exec(error.message)?.[1] : undefined;
            if (error instanceof FormatError && !(line !== undefined && Number(line) >= 1 && Number(line) <= lineCount(input.bytes))) {
              throw new Error(`the FormatError names no line of the file (${lineCount(input.bytes)} lines): ${error.message}`, {
                cause: error,
              });
            }
            throw error;
          }
        },
        accept: (error) => error instanceof FormatError,
        show,
      });
      expect(report.failures, formatFailures(report)).toEqual([]);
      expect(report.loaded).toBeGreaterThan(runs / 20);
      expect(report.refused).toBeGreaterThan(runs / 20);
    },
    fuzzTimeout(runs),
  );
});

describe('JSONL fuzz', () => {
  const corpus = [
    '{"text":"hello","label":1}\n{"text":"bye","label":0}\n\n[1,2,3]\n',
    '\ufeff"just a string"\r\n{"__proto__":{"x":1},"n":-0.5e10}\r\n',
  ];

  it(
    `${runs} seeded mutations each read through or throw FormatError`,
    async () => {
      const report = await fuzz({
        name: 'jsonl',
        runs,
        seed: fuzzSeed(),
        generate: generateFrom(corpus),
        load: async (input) => {
          for await (const value of readJsonl(source(input))) void value;
        },
        accept: (error) => error instanceof FormatError,
        show,
      });
      expect(report.failures, formatFailures(report)).toEqual([]);
      expect(report.loaded).toBeGreaterThan(runs / 20);
      expect(report.refused).toBeGreaterThan(runs / 20);
    },
    fuzzTimeout(runs),
  );
});
