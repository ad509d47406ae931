// The births corpus: record types and values, chronological split sizes by year, no overlap.

import { beforeAll, describe, expect, it } from 'vitest';
import { loadBirths, type BirthsRecord } from './births.js';

let corpus: Awaited<ReturnType<typeof loadBirths>>;

beforeAll(async () => {
  corpus = await loadBirths();
});

describe('loadBirths', () => {
  it('reads 7305 typed daily records in date order', () => {
    expect(corpus.all).toHaveLength(7305);
    expect(corpus.all[0]).toEqual<BirthsRecord>({ date: '1969-01-01', year: 1969, month: 1, day: 1, dayOfWeek: 3, births: 8486 });
    expect(corpus.all.at(-1)!.date).toBe('1988-12-31');
    for (let i = 1; i < corpus.all.length; i++) expect(corpus.all[i]!.date > corpus.all[i - 1]!.date).toBe(true);
    for (const record of corpus.all.slice(0, 50)) {
      expect(Number.isInteger(record.births) && record.births > 0).toBe(true);
      expect(record.dayOfWeek >= 1 && record.dayOfWeek <= 7).toBe(true);
    }
  });

  it('splits by year: 1969–1984 / 1985–1986 / 1987–1988', () => {
    expect([corpus.train.length, corpus.validation.length, corpus.test.length]).toEqual([5844, 730, 731]);
    expect([corpus.train.at(-1)!.date, corpus.validation[0]!.date]).toEqual(['1984-12-31', '1985-01-01']);
    expect([corpus.validation.at(-1)!.date, corpus.test[0]!.date]).toEqual(['1986-12-31', '1987-01-01']);
    const dates = [corpus.train, corpus.validation, corpus.test].flat().map((record) => record.date);
    expect(new Set(dates).size).toBe(7305);
  });
});
