// Hostile arguments: null lengths, lengths beyond int32, a non-tensor input and misspelt
// options are typed errors naming what came (never a TypeError or a wrapped-around length).

import { describe, expect, it } from 'vitest';
import { ValueError, randn, zeros } from '@recur/tensor';
import { PackedSequence } from './packed-sequence.js';
import { packPaddedSequence, packSequence } from './pack.js';
import { padPackedSequence, unpackSequence } from './unpack.js';
import { padSequence, unpadSequence } from './pad-sequence.js';
import { lengthsToMask } from './mask.js';

const loose = <T>(value: unknown): T => value as T;

describe('lengths', () => {
  it('null, a number or a string as lengths is a ValueError', () => {
    const x = randn([4, 2, 3]);
    for (const bad of [null, undefined, 4, 'ab', { length: 2 }]) {
      expect(() => packPaddedSequence(x, loose(bad))).toThrow(ValueError);
    }
    expect(() => packPaddedSequence(x, loose(null))).toThrow(
      'packPaddedSequence: lengths must be a number[], an Int32Array or a 1-D int32 tensor; got null',
    );
    expect(() => packPaddedSequence(x, loose([3, '2']))).toThrow(/lengths must be integers; got "2" at batch index 1/);
    expect(() => lengthsToMask(loose(null))).toThrow(ValueError);
  });

  it('a length of 2^32 + 4 is an error, not packed as 4', () => {
    const x = randn([4, 2, 3]);
    expect(() => packPaddedSequence(x, [2 ** 32 + 4, 2])).toThrow(ValueError);
    expect(() => packPaddedSequence(x, [2 ** 32 + 4, 2])).toThrow(/length 4294967300 at batch index 0 does not fit in int32/);
    expect(() => lengthsToMask([2 ** 32 + 1])).toThrow(ValueError);
    expect(() => unpadSequence(x, [-(2 ** 32) + 2, 1])).toThrow(ValueError);
    expect(() => new PackedSequence(zeros([4, 3]), [2 ** 32 + 2, 2])).toThrow(ValueError);
  });
});

describe('arguments and options', () => {
  it('a non-tensor input or data is a ValueError', () => {
    expect(() => packPaddedSequence(loose([[1]]), [1])).toThrow('packPaddedSequence: input must be a Tensor; got […]');
    expect(() => new PackedSequence(loose(null), [1])).toThrow(ValueError);
    expect(() => new PackedSequence(zeros([2, 3]), loose(null))).toThrow(ValueError);
  });

  it('unknown option keys are a ValueError', () => {
    const x = randn([4, 2, 3]);
    expect(() => packPaddedSequence(x, [4, 2], loose({ batch_first: true }))).toThrow(/unknown option 'batch_first'/);
    expect(() => packSequence([zeros([2, 1])], loose({ enforce_sorted: false }))).toThrow(ValueError);
    const packed = packPaddedSequence(x, [4, 2]);
    expect(() => padPackedSequence(packed, loose({ padding_value: 1 }))).toThrow(/did you mean 'paddingValue'/);
    expect(() => padSequence([zeros([2, 1])], loose({ side: 'left' }))).toThrow(ValueError);
    expect(() => unpadSequence(x, [4, 2], loose({ batchfirst: true }))).toThrow(/did you mean 'batchFirst'/);
    expect(() => lengthsToMask([2], loose({ maxLen: 3 }))).toThrow(/did you mean 'maxLength'/);
    expect(() => new PackedSequence(zeros([2, 3]), [1, 1], loose({ sorted: null }))).toThrow(ValueError);
  });
});

describe('lists and packed sequences', () => {
  it('a non-array list or a non-PackedSequence is a ValueError', () => {
    expect(() => packSequence(loose(null))).toThrow(ValueError);
    expect(() => packSequence(loose('ab'))).toThrow(/packSequence: expected an array of \[L, \*\] tensors/);
    expect(() => padSequence(loose([zeros([2]), 1]))).toThrow('padSequence: sequences[1] must be a Tensor; got 1');
    expect(() => padPackedSequence(loose(zeros([2, 1])))).toThrow(/padPackedSequence: expected a PackedSequence/);
    expect(() => unpackSequence(loose(null))).toThrow(ValueError);
  });
});
