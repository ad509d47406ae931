// lengthsToMask: [B, T] and [T, B] layouts, maxLength, lengths of 0, and errors.
// B sequences, T steps.

import { describe, expect, it } from 'vitest';
import { DTypeError, ValueError, tensor } from '@recur/tensor';
import { lengthsToMask } from './index.js';

describe('lengthsToMask', () => {
  it('is a bool [B, T] mask, true where t < length, T = the longest length', () => {
    const mask = lengthsToMask([2, 0, 3]);
    expect(mask.dtype).toBe('bool');
    expect(mask.toArraySync()).toEqual([
      [true, true, false],
      [false, false, false],
      [true, true, true],
    ]);
  });

  it('batchFirst: false gives [T, B]; maxLength widens it', () => {
    expect(lengthsToMask(Int32Array.of(1, 2), { batchFirst: false, maxLength: 3 }).toArraySync()).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
  });

  it('takes an int32 lengths tensor', () => {
    expect(lengthsToMask(tensor([1, 2], { dtype: 'int32' })).toArraySync()).toEqual([
      [true, false],
      [true, true],
    ]);
  });

  it('errors: a length past maxLength, negative lengths, bad maxLength, float lengths', () => {
    expect(() => lengthsToMask([2, 5], { maxLength: 4 })).toThrow('lengthsToMask: length 5 at batch index 1 exceeds the sequence length 4');
    expect(() => lengthsToMask([2, -1])).toThrow(ValueError);
    expect(() => lengthsToMask([2], { maxLength: -1 })).toThrow(ValueError);
    expect(() => lengthsToMask(tensor([1.5, 2]))).toThrow(DTypeError);
  });
});
