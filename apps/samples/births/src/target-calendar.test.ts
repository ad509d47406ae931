import { describe, expect, it } from 'vitest';
import { buildSeries } from './births-data.js';
import { addDays } from './calendar.js';
import { targetCalendarSize, writeTargetCalendar } from './target-calendar.js';

describe('target calendar', () => {
  // Two weeks ending on Tuesday 1985-12-31: Christmas 1985 was a Wednesday.
  const dates = Array.from({ length: 14 }, (_, i) => addDays('1985-12-18', i));
  const series = buildSeries(
    dates.map((date) => ({ date, births: 10_000 })),
    { mean: 10_000, std: 1_000 },
  );

  it('writes weekday, time of year and holiday × weekday for each target and its naive day', () => {
    const K = 2;
    const out = new Float64Array(targetCalendarSize(K) + 3).fill(9);
    // Targets 1985-12-25 (index 7, Wednesday) and 12-26 (Thursday); naive days 12-18 and 12-19.
    writeTargetCalendar(series, 7, K, 7, out, 3);
    expect(Array.from(out.subarray(0, 3))).toEqual([9, 9, 9]);
    const f = out.subarray(3);
    expect(Array.from(f.subarray(0, 7))).toEqual([0, 0, 1, 0, 0, 0, 0]);
    // Day 358 of 1985: late December, near the top of the cosine.
    expect(f[8]).toBeCloseTo(Math.cos((2 * Math.PI * 358) / 365.25), 12);
    const day = (k: number) => Array.from(f.subarray(11 + 28 * k, 11 + 28 * (k + 1)));
    const oneAt = (i: number) => Array.from({ length: 28 }, (_, j) => (j === i ? 1 : 0));
    // Christmas (major) on a Wednesday: block 0 (target major), weekday index 2.
    expect(day(0)).toEqual(oneAt(2));
    // Dec 26 (minor) on a Thursday: block 1 (target minor), weekday index 3.
    expect(day(1)).toEqual(oneAt(7 + 3));
  });

  it('flags the naive day when seasonal-naive would copy a holiday', () => {
    const out = new Float64Array(targetCalendarSize(1));
    // Target Dec 31 (index 13); seasonal-naive copies Dec 24 (index 6), also a minor holiday.
    writeTargetCalendar(series, 13, 1, 7, out, 0);
    // Target 12-31 (minor, Tuesday) and naive 12-24 (minor, Tuesday): blocks 1 and 3 at weekday 1.
    const block = Array.from(out.subarray(11));
    expect(block[7 + 1]).toBe(1);
    expect(block[21 + 1]).toBe(1);
    expect(block.reduce((a, b) => a + b)).toBe(2);
  });
});
