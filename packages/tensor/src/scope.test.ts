import { describe, expect, it } from 'vitest';
import { DisposedError, ValueError } from '@recur/backend';
import { tensor, ones } from './creation.js';
import { keep, scope } from './scope.js';
import { memory } from './memory.js';

describe('scope and memory', () => {
  it('memory() returns to its start after a scope', () => {
    const start = memory();
    scope(() => {
      const a = ones([8, 8]);
      const b = a.add(1).mul(a).exp().sum({ axis: 0 });
      b.reshape([2, 4]).transpose().contiguous();
    });
    const end = memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numBuffers).toBe(start.numBuffers);
    expect(end.numBytes).toBe(start.numBytes);
  });

  it('moves returned tensors to the enclosing scope and disposes them there', () => {
    const start = memory().numTensors;
    let inner: ReturnType<typeof ones> | undefined;
    scope(() => {
      inner = scope(() => ones([2]).add(1));
      expect(inner.isDisposed).toBe(false);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(memory().numTensors).toBe(start);
  });

  it('returns tensors nested in arrays and objects', () => {
    const result = scope(() => ({ list: [ones([1]), ones([2])], one: ones([3]) }));
    expect(result.list[1]!.isDisposed).toBe(false);
    expect(result.one.size).toBe(3);
    for (const t of [...result.list, result.one]) t.dispose();
  });

  it('keep() exempts a tensor from every enclosing scope', () => {
    let kept: ReturnType<typeof ones> | undefined;
    scope(() => {
      kept = keep(ones([2]));
    });
    expect(kept!.isDisposed).toBe(false);
    kept!.dispose();
  });

  it('throws when fn returns a Promise, and frees what it made', async () => {
    const start = memory().numTensors;
    expect(() =>
      scope(() => {
        ones([4]);
        return Promise.resolve(1);
      }),
    ).toThrow(ValueError);
    expect(memory().numTensors).toBe(start);
  });

  it('frees what a throwing fn made', () => {
    const start = memory().numBuffers;
    expect(() =>
      scope(() => {
        ones([4]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().numBuffers).toBe(start);
  });

  it('views share storage: memory is freed when the last view goes', () => {
    const start = memory().numBuffers;
    const a = tensor([1, 2, 3, 4]);
    const v = a.reshape([2, 2]);
    a.dispose();
    expect(memory().numBuffers).toBe(start + 1);
    expect(v.toArraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    v.dispose();
    expect(memory().numBuffers).toBe(start);
  });

  it('using a disposed tensor is a DisposedError naming the op', () => {
    const a = ones([2]);
    a.dispose();
    expect(() => a.add(1)).toThrow(DisposedError);
    expect(() => a.dataSync()).toThrow(/dataSync: tensor #\d+ \(shape \[2\]\) was used after dispose/);
    expect(() => a.dispose()).not.toThrow();
  });
});
