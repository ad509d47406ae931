// Dropout: seeded masks repeat, eval mode and p = 0 are the identity, survivors scale by
// 1/(1-p) at rate ≈ 1-p, the gradient follows the mask, p = 1 gives zeros, bad p is an error.

import { describe, expect, it } from 'vitest';
import { DTypeError, Generator, ValueError, manualSeed, memory, ones, scope, tensor } from '@recur/tensor';
import { Dropout } from './dropout.js';

const run = (dropout: Dropout, shape: number[]) => scope(() => Array.from(dropout.forward(ones(shape)).dataSync()));

describe('Dropout', () => {
  it('repeats its masks for the same seed, through a Generator or manualSeed', () => {
    const a = new Dropout({ p: 0.3, generator: new Generator(42) });
    const b = new Dropout({ p: 0.3, generator: new Generator(42) });
    const first = run(a, [64]);
    expect(run(b, [64])).toEqual(first);
    expect(run(a, [64])).not.toEqual(first);
    const c = new Dropout({ p: 0.3, generator: new Generator(43) });
    expect(run(c, [64])).not.toEqual(first);

    const global = new Dropout({ p: 0.3 });
    manualSeed(5);
    const once = run(global, [64]);
    manualSeed(5);
    expect(run(global, [64])).toEqual(once);
  });

  it('keeps ≈ 1-p of the elements, scaled by 1/(1-p)', () => {
    const dropout = new Dropout({ p: 0.25, generator: new Generator(1) });
    const values = run(dropout, [100, 100]);
    const kept = values.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length / values.length).toBeGreaterThan(0.74);
    expect(kept.length / values.length).toBeLessThan(0.76);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.02);
    expect(new Dropout().p).toBe(0.5);
  });

  it('is the identity in eval mode and with p = 0', () => {
    const x = tensor([1, 2, 3]);
    const dropout = new Dropout({ p: 0.9 }).eval();
    expect(dropout.forward(x)).toBe(x);
    expect(new Dropout({ p: 0 }).forward(x)).toBe(x);
    dropout.train();
    expect(dropout.forward(x)).not.toBe(x);
    x.dispose();
  });

  it('sends the gradient through the kept elements only, with the same scale', () => {
    const dropout = new Dropout({ p: 0.5, generator: new Generator(9) });
    const x = ones([200], { requiresGrad: true });
    const y = scope(() => {
      const out = dropout.forward(x);
      out.sum().backward();
      return Array.from(out.dataSync());
    });
    expect(Array.from(x.grad!.dataSync())).toEqual(y);
    expect(new Set(y)).toEqual(new Set([0, 2]));
    x.dispose();
  });

  it('gives zeros (and a zero gradient) for p = 1', () => {
    const dropout = new Dropout({ p: 1 });
    const x = tensor([1, -2, 3], { requiresGrad: true });
    scope(() => {
      const y = dropout.forward(x);
      expect(Array.from(y.dataSync())).toEqual([0, -0, 0]);
      y.sum().backward();
    });
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0]);
    x.dispose();
  });

  it('rejects p outside [0, 1] and non-float inputs', () => {
    for (const p of [-0.1, 1.5, Number.NaN]) expect(() => new Dropout({ p })).toThrow(ValueError);
    expect(() => new Dropout({ p: 2 })).toThrow('Dropout: probability p must be between 0 and 1; got 2');
    const ints = tensor([1, 2], { dtype: 'int32' });
    expect(() => new Dropout().forward(ints)).toThrow(DTypeError);
    ints.dispose();
  });

  it('frees its mask after a scoped forward and backward', () => {
    const dropout = new Dropout({ p: 0.5 });
    const x = ones([4, 8], { requiresGrad: true });
    const step = () => scope(() => dropout.forward(x).sum().backward());
    step();
    const before = memory();
    step();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
    x.dispose();
  });
});
