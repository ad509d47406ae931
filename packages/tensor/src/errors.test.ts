import { describe, expect, it } from 'vitest';
import { DTypeError, IndexError, ShapeError, ValueError } from '@recur/backend';
import { ones, tensor, zeros } from './creation.js';
import { concat } from './ops/join.js';

describe('typed errors name the op and what was expected', () => {
  it('mismatched shapes', () => {
    expect(() => ones([2, 3]).add(ones([4]))).toThrow(ShapeError);
    expect(() => ones([2, 3]).add(ones([4]))).toThrow('add: shapes [2,3] and [4] cannot be broadcast together');
    expect(() => ones([32, 64]).matmul(ones([128, 256]))).toThrow('matmul: inner dimensions differ: [32,64] · [128,256]');
    expect(() => ones([2, 3]).reshape([4, 2])).toThrow(/reshape: cannot reshape \[2,3\] \(6 elements\) into \[4,2\]/);
    expect(() => ones([2, 3]).transpose().view([6])).toThrow(/use reshape/);
    expect(() => concat([ones([2, 3]), ones([2, 4])])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array at index \[1\]/);
  });

  it('wrong dtypes', () => {
    expect(() => ones([2], { dtype: 'int32' }).matmul(ones([2], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => ones([2]).gather(0, ones([2]))).toThrow('gather: indices must be int32; got float32');
    expect(() => ones([2]).softmax()).not.toThrow();
    expect(() => ones([2], { dtype: 'int32' }).softmax()).toThrow(DTypeError);
  });

  it('axis out of range', () => {
    expect(() => ones([2, 3]).sum({ axis: 2 })).toThrow(IndexError);
    expect(() => ones([2, 3]).sum({ axis: 2 })).toThrow('sum: axis 2 out of range for a tensor of rank 2 (expected -2..1)');
    expect(() => ones([2, 3]).softmax(-3)).toThrow(IndexError);
    expect(() => ones([2, 3]).permute([0, 0])).toThrow(IndexError);
  });

  it('index out of range', () => {
    expect(() => ones([3, 2]).indexSelect(0, [0, 3])).toThrow('indexSelect: index 3 out of range for axis 0 of size 3 (expected 0..2)');
    expect(() => ones([3, 2]).select(1, 2)).toThrow(IndexError);
    expect(() => ones([3, 2]).narrow(0, 2, 2)).toThrow(IndexError);
    expect(() => ones([2]).gather(0, tensor([-1], { dtype: 'int32' }))).toThrow(IndexError);
  });

  it('bad arguments', async () => {
    expect(() => zeros([-1])).toThrow(ShapeError);
    expect(() => ones([4]).split(0)).toThrow(ValueError);
    await expect(ones([4]).item()).rejects.toThrow(/exactly one element/);
  });
});
