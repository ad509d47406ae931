// The mutation engine itself: reproducible from its seed, every mutator reachable, JSON
// mutations still JSON (deep nesting included), and the loop reports what it should.

import { describe, expect, it } from 'vitest';
import { BYTE_MUTATORS, FuzzRandom, caseSeed, fuzz, fuzzRuns, mutateBytes, mutateJson } from './index.js';

describe('fuzz engine', () => {
  it('the same seed gives the same mutations; another seed does not', () => {
    const input = new TextEncoder().encode('{"a":[1,2,3],"b":"text"}');
    const run = (seed: number) =>
      Array.from({ length: 50 }, (_, i) => Array.from(mutateBytes(input, new FuzzRandom(caseSeed(seed, i))).bytes).join());
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('reaches every byte mutator and keeps JSON mutations parseable', () => {
    const seen = new Set<string>();
    const jsonSeen = new Set<string>();
    let deep = 0;
    for (let i = 0; i < 2000; i++) {
      const rng = new FuzzRandom(caseSeed(7, i));
      mutateBytes(new TextEncoder().encode('{"n":12,"s":"x"}'), rng, { corpus: [new Uint8Array([1, 2])] }).applied.forEach((name) =>
        seen.add(name),
      );
      const mutated = mutateJson('{"n":12,"list":[1,{"k":"v"}],"s":"x"}', rng)!;
      mutated.applied.forEach((name) => jsonSeen.add(name));
      expect(() => JSON.parse(mutated.text), mutated.text.slice(0, 100)).not.toThrow();
      if (mutated.text.includes('[[[[[[[[[[') || mutated.text.includes('{"a":{"a":{"a":')) deep++;
    }
    expect([...seen].sort()).toEqual(Object.keys(BYTE_MUTATORS).sort());
    expect([...jsonSeen].sort()).toEqual(['addKey', 'duplicate', 'nest', 'number', 'remove', 'string', 'swap', 'wrap', 'wrongType']);
    expect(deep).toBeGreaterThan(50);
  });

  it('mutateJson gives null for text that is not JSON, and can add an own __proto__ key', () => {
    expect(mutateJson('{nope', new FuzzRandom(1))).toBeNull();
    const texts = Array.from({ length: 500 }, (_, i) => mutateJson('{"a":{"b":1}}', new FuzzRandom(caseSeed(3, i)))!.text);
    expect(texts.some((t) => t.includes('"__proto__"'))).toBe(true);
  });

  it('the loop counts loads and typed refusals and reports anything else with its case seed', async () => {
    const report = await fuzz({
      runs: 200,
      seed: 5,
      generate: (rng) => ({ input: rng.below(3), mutations: [] }),
      load: (n) => {
        if (n === 1) throw new RangeError('typed');
        if (n === 2) throw new TypeError('untyped');
      },
      accept: (error) => error instanceof RangeError,
    });
    expect(report.loaded).toBeGreaterThan(0);
    expect(report.refused).toBeGreaterThan(0);
    expect(report.failures).toHaveLength(10);
    expect(report.failures[0]!.problem).toMatch(/^TypeError: untyped/);
    const again = new FuzzRandom(report.failures[0]!.caseSeed);
    expect(again.below(3)).toBe(2);
  });

  it('reads RECUR_FUZZ_RUNS for longer runs', () => {
    const saved = process.env.RECUR_FUZZ_RUNS;
    try {
      process.env.RECUR_FUZZ_RUNS = '200000';
      expect(fuzzRuns(5000)).toBe(200000);
      process.env.RECUR_FUZZ_RUNS = 'lots';
      expect(() => fuzzRuns(5000)).toThrow(/RECUR_FUZZ_RUNS must be a positive integer/);
      delete process.env.RECUR_FUZZ_RUNS;
      expect(fuzzRuns(5000)).toBe(5000);
    } finally {
      if (saved === undefined) delete process.env.RECUR_FUZZ_RUNS;
      else process.env.RECUR_FUZZ_RUNS = saved;
    }
  });
});
