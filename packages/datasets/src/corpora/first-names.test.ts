// First names: records with sex labels, names in both lists, per-list loading, and the hash
// split's sizes with each name in one part only.

import { beforeAll, describe, expect, it } from 'vitest';
import { ValueError } from '@recur/tensor';
import { loadFirstNames } from './first-names.js';

let corpus: Awaited<ReturnType<typeof loadFirstNames>>;

beforeAll(async () => {
  corpus = await loadFirstNames();
});

describe('loadFirstNames', () => {
  it('reads 4944 female and 3897 male names, each once per list', () => {
    expect(corpus.all).toHaveLength(8841);
    expect(corpus.all.filter((r) => r.sex === 'female')).toHaveLength(4944);
    expect(corpus.all[0]).toEqual({ name: 'Aaren', sex: 'female', target: 0 });
    expect(corpus.all.find((r) => r.name === 'Aaron')).toEqual({ name: 'Aaron', sex: 'male', target: 1 });
    const keys = corpus.all.map((r) => `${r.sex}:${r.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('splits 7079 / 908 / 854 by name; a name in both lists stays in one part', () => {
    expect([corpus.train.length, corpus.validation.length, corpus.test.length]).toEqual([7079, 908, 854]);
    const parts = [corpus.train, corpus.validation, corpus.test].map((part) => new Set(part.map((r) => r.name.toLowerCase())));
    expect(parts[0]!.size + parts[1]!.size + parts[2]!.size).toBe(new Set(corpus.all.map((r) => r.name.toLowerCase())).size);
    const female = new Set(corpus.all.filter((r) => r.sex === 'female').map((r) => r.name));
    const both = corpus.all.filter((r) => r.sex === 'male' && female.has(r.name));
    expect(both).toHaveLength(419);
  });

  it('loads one list alone with the same split for its names', async () => {
    const male = await loadFirstNames({ sexes: ['male'] });
    expect([male.train.length, male.validation.length, male.test.length]).toEqual([3128, 395, 374]);
    expect(male.all.every((r) => r.sex === 'male')).toBe(true);
    const trainNames = new Set(corpus.train.map((r) => r.name));
    expect(male.train.every((r) => trainNames.has(r.name))).toBe(true);
    await expect(loadFirstNames({ sexes: [] })).rejects.toThrow(ValueError);
  });
});
