import { describe, expect, it } from 'vitest';
import { arange, eye, full, tensor } from './creation.js';
import { concat, stack, pad } from './ops/join.js';
import { matmul } from './ops/matmul.js';
import { where } from './ops/elementwise.js';
import { logSoftmax, softmax } from './ops/activation.js';

const close = (actual: ArrayLike<number>, expected: readonly number[], tol = 1e-6) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tol + 1e-5 * Math.abs(e)));
};

describe('ops: values', () => {
  it('elementwise arithmetic with broadcasting and scalars', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a.add(tensor([10, 20, 30])).toArraySync()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(a.sub(1).mul(2).toArraySync()).toEqual([
      [0, 2, 4],
      [6, 8, 10],
    ]);
    close(a.div(tensor([[2], [4]])).dataSync(), [0.5, 1, 1.5, 1, 1.25, 1.5]);
    close(a.pow(2).dataSync(), [1, 4, 9, 16, 25, 36]);
  });

  it('integer tensors stay int32; true division gives float32', () => {
    const i = arange(0, 5);
    expect(i.dtype).toBe('int32');
    expect(i.add(1).dtype).toBe('int32');
    expect(i.add(0.5).dtype).toBe('float32');
    expect(i.div(2).toArraySync()).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  it('comparisons give bool; where selects', () => {
    const a = tensor([1, 5, 3]);
    const mask = a.gt(2);
    expect(mask.dtype).toBe('bool');
    expect(mask.toArraySync()).toEqual([false, true, true]);
    expect(where(mask, a, 0).toArraySync()).toEqual([0, 5, 3]);
  });

  it('reductions over axes with keepDim, argmax, logSumExp', () => {
    const a = tensor([
      [1, 7, 3],
      [4, 2, 6],
    ]);
    expect(a.sum().itemSync()).toBe(23);
    expect(a.sum({ axis: 1 }).toArraySync()).toEqual([11, 12]);
    expect(a.max({ axis: 0, keepDim: true }).toArraySync()).toEqual([[4, 7, 6]]);
    expect(a.min({ axis: -1 }).toArraySync()).toEqual([1, 2]);
    expect(a.mean({ axis: [0, 1] }).itemSync()).toBeCloseTo(23 / 6, 6);
    expect(a.argmax({ axis: 1 }).toArraySync()).toEqual([1, 2]);
    expect(a.argmax().itemSync()).toBe(1);
    close(a.logSumExp({ axis: 1 }).dataSync(), [
      Math.log(Math.exp(1) + Math.exp(7) + Math.exp(3)),
      Math.log(Math.exp(4) + Math.exp(2) + Math.exp(6)),
    ]);
  });

  it('softmax and logSoftmax stay finite at ±1e4', () => {
    const x = tensor([
      [1e4, -1e4, 0],
      [-1e4, -1e4, -1e4],
    ]);
    close(softmax(x).dataSync(), [1, 0, 0, 1 / 3, 1 / 3, 1 / 3]);
    close(logSoftmax(x).dataSync(), [0, -2e4, -1e4, -Math.log(3), -Math.log(3), -Math.log(3)], 1e-3);
  });

  it('batched matmul with broadcast batch dims and 1-D operands', () => {
    const a = arange(0, 12, 1, { dtype: 'float32' }).reshape([2, 2, 3]);
    const b = eye(3);
    expect(matmul(a, b).toArraySync()).toEqual(a.toArraySync());
    expect(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])).itemSync()).toBe(32);
    expect(
      matmul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([1, 1]),
      ).toArraySync(),
    ).toEqual([3, 7]);
    expect(matmul(a, full([3, 1], 1)).shape).toEqual([2, 2, 1]);
  });

  it('views: reshape, permute, transpose, expand, slice, narrow, select, squeeze', () => {
    const a = arange(0, 6).reshape([2, 3]);
    expect(a.transpose().toArraySync()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(a.transpose().reshape([6]).toArraySync()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(a.permute([1, 0]).contiguous().isContiguous).toBe(true);
    expect(
      tensor([[1], [2]])
        .expand([2, 3])
        .toArraySync(),
    ).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(a.slice(1, 0, undefined, 2).toArraySync()).toEqual([
      [0, 2],
      [3, 5],
    ]);
    expect(a.slice(1, -2).toArraySync()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(a.narrow(0, 1, 1).toArraySync()).toEqual([[3, 4, 5]]);
    expect(a.select(1, -1).toArraySync()).toEqual([2, 5]);
    expect(a.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(a.unsqueeze(0).squeeze().shape).toEqual([2, 3]);
    expect(a.reshape([-1]).shape).toEqual([6]);
  });

  it('concat, stack, split, chunk, pad', () => {
    const a = tensor([[1, 2]]);
    const b = tensor([
      [3, 4],
      [5, 6],
    ]);
    expect(concat([a, b]).toArraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(stack([a, a], 1).shape).toEqual([1, 2, 2]);
    const parts = arange(0, 5).split(2);
    expect(parts.map((p) => p.toArraySync())).toEqual([[0, 1], [2, 3], [4]]);
    expect(
      arange(0, 6)
        .chunk(4)
        .map((p) => p.size),
    ).toEqual([2, 2, 2]);
    expect(pad(a, [1, 0, 0, 1], 9).toArraySync()).toEqual([
      [9, 1, 2],
      [9, 9, 9],
    ]);
  });

  it('gather and indexSelect', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(a.indexSelect(0, [2, 0, 2]).toArraySync()).toEqual([
      [5, 6],
      [1, 2],
      [5, 6],
    ]);
    expect(a.gather(1, tensor([[1], [0], [1]], { dtype: 'int32' })).toArraySync()).toEqual([[2], [3], [6]]);
  });

  it('clamp, relu, sigmoid, tanh values', () => {
    const x = tensor([-2, -0.5, 0, 0.5, 2]);
    expect(x.clamp({ min: -1, max: 1 }).toArraySync()).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(x.relu().toArraySync()).toEqual([0, 0, 0, 0.5, 2]);
    close(
      x.sigmoid().dataSync(),
      [-2, -0.5, 0, 0.5, 2].map((v) => 1 / (1 + Math.exp(-v))),
    );
    close(x.tanh().dataSync(), [-2, -0.5, 0, 0.5, 2].map(Math.tanh));
  });
});
