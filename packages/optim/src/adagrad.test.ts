import { tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const param = (data: number[]): Tensor => tensor(data, { requiresGrad: true });
function setGrad(p: Tensor, data: number[]): void {
  p.grad?.dispose();
  p.grad = tensor(data);
}

describe('Adagrad', () => {
  it('creates its accumulators with the optimizer, at initialAccumulatorValue', () => {
    const p = param([1, 2]);
    const optimizer = new Adagrad([p], { initialAccumulatorValue: 0.25 });
    expect(values(optimizer.state.get(p)!.sum)).toEqual([0.25, 0.25]);
    expect(optimizer.state.get(p)!.step).toBe(0);
    optimizer.dispose();
    p.dispose();
  });

  it('steps p − clr·g/(√s + ε) with clr = η/(1 + (t − 1)·lrDecay)', () => {
    const p = param([1]);
    const optimizer = new Adagrad([p], { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 1 });
    setGrad(p, [1]);
    optimizer.step(); // s = 2, clr = 0.1
    const p1 = 1 - 0.1 / Math.SQRT2;
    expect(values(p)[0]).toBeCloseTo(p1, 6);
    setGrad(p, [2]);
    optimizer.step(); // s = 6, clr = 0.1/1.5
    expect(values(p)[0]).toBeCloseTo(p1 - ((0.1 / 1.5) * 2) / Math.sqrt(6), 6);
    optimizer.dispose();
    p.dispose();
  });

  it('weight decay adds λ·p', () => {
    const p = param([2]);
    const optimizer = new Adagrad([p], { lr: 0.1, weightDecay: 0.5 });
    setGrad(p, [1]);
    optimizer.step(); // g = 2, s = 4, step = 0.1·2/2
    expect(values(p)[0]).toBeCloseTo(1.9, 6);
    optimizer.dispose();
    p.dispose();
  });

  it('rejects a negative lrDecay', () => {
    const p = param([1]);
    expect(() => new Adagrad([p], { lrDecay: -1 })).toThrow(/Adagrad: invalid lrDecay \(options\): expected a finite number ≥ 0, got -1/);
    p.dispose();
  });
});
