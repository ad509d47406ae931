// Splits: chronological sizes and order (no shuffling), fraction errors, and the hash split's
// determinism and independence from input order.

import { describe, expect, it } from 'vitest';
import { ValueError } from '@recur/tensor';
import { hashSplit, splitOfKey, trainValTestSplit } from './split.js';

describe('trainValTestSplit', () => {
  it('takes consecutive parts of ⌊N·fraction⌋ items', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const { train, validation, test } = trainValTestSplit(items, { train: 0.6, validation: 0.2 });
    expect(train).toEqual([0, 1, 2, 3, 4, 5]);
    expect(validation).toEqual([6, 7]);
    expect(test).toEqual([8, 9]);
  });

  it('defaults to 70/15/15 and works on typed arrays', () => {
    const series = Float64Array.from({ length: 100 }, (_, i) => i);
    const { train, validation, test } = trainValTestSplit(series);
    expect([train.length, validation.length, test.length]).toEqual([70, 15, 15]);
    expect(train).toBeInstanceOf(Float64Array);
    expect(validation[0]).toBe(70);
  });

  it('floors products that land a hair below an integer to the intended count', () => {
    const { train } = trainValTestSplit(Array.from({ length: 100 }), { train: 0.29, validation: 0 });
    expect(train).toHaveLength(29);
  });

  it('rejects fractions outside [0, 1] or summing past 1', () => {
    expect(() => trainValTestSplit([1, 2], { train: 0.8, validation: 0.3 })).toThrow(ValueError);
    expect(() => trainValTestSplit([1, 2], { train: -0.1 })).toThrow(/train fraction must be in \[0, 1\]/);
    expect(() => trainValTestSplit([1, 2], { train: 0.7, validation: 0.3 })).not.toThrow();
  });
});

describe('hashSplit', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => `record-${i}`);

  it('puts each key in one part, near the requested fractions', () => {
    const { train, validation, test } = hashSplit(keys, (key) => key, { train: 0.8, validation: 0.1 });
    expect(train.length + validation.length + test.length).toBe(5000);
    expect(Math.abs(train.length / 5000 - 0.8)).toBeLessThan(0.03);
    expect(Math.abs(validation.length / 5000 - 0.1)).toBeLessThan(0.03);
    expect(new Set([...train, ...validation, ...test]).size).toBe(5000);
  });

  it('does not depend on input order', () => {
    const forward = hashSplit(keys, (key) => key);
    const backward = hashSplit([...keys].reverse(), (key) => key);
    expect(new Set(backward.test)).toEqual(new Set(forward.test));
    for (const key of forward.validation.slice(0, 20)) expect(splitOfKey(key)).toBe('validation');
  });
});
