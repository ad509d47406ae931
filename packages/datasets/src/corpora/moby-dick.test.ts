// Moby Dick: section records, chapter numbers, and the in-order 111 / 13 / 15 section split.

import { beforeAll, describe, expect, it } from 'vitest';
import { loadMobyDick } from './moby-dick.js';

let corpus: Awaited<ReturnType<typeof loadMobyDick>>;

beforeAll(async () => {
  corpus = await loadMobyDick();
});

describe('loadMobyDick', () => {
  it('reads 139 typed sections in book order', () => {
    expect(corpus.all).toHaveLength(139);
    expect(corpus.all.map((r) => r.section).slice(0, 4)).toEqual(['Contents', 'Etymology', 'Extracts', '1']);
    const loomings = corpus.all[3]!;
    expect(loomings).toMatchObject({ index: 3, chapter: 1, title: 'Loomings.' });
    expect(loomings.text.startsWith('Call me Ishmael.')).toBe(true);
    expect(corpus.all.at(-1)).toMatchObject({ section: 'Epilogue', chapter: null });
    expect(corpus.all.map((r) => r.index)).toEqual([...Array(139).keys()]);
  });

  it('splits in order: front matter + chapters 1–108 / 109–121 / 122–135 + epilogue', () => {
    expect([corpus.train.length, corpus.validation.length, corpus.test.length]).toEqual([111, 13, 15]);
    expect([
      corpus.train.at(-1)!.chapter,
      corpus.validation[0]!.chapter,
      corpus.validation.at(-1)!.chapter,
      corpus.test[0]!.chapter,
    ]).toEqual([108, 109, 121, 122]);
    const indices = [corpus.train, corpus.validation, corpus.test].flat().map((r) => r.index);
    expect(new Set(indices).size).toBe(139);
  });
});
