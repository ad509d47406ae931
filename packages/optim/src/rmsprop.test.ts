import { tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { RMSprop } from './rmsprop.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const param = (data: number[]): Tensor => tensor(data, { requiresGrad: true });
function setGrad(p: Tensor, data: number[]): void {
  p.grad?.dispose();
  p.grad = tensor(data);
}

describe('RMSprop', () => {
  it('plain step: s = (1 − α)g², p − η·g/(√s + ε)', () => {
    const p = param([1]);
    const optimizer = new RMSprop([p], { lr: 0.01, alpha: 0.9 });
    setGrad(p, [2]);
    optimizer.step();
    // s = 0.1·4 = 0.4
    expect(values(p)[0]).toBeCloseTo(1 - (0.01 * 2) / (Math.sqrt(0.4) + 1e-8), 6);
    expect(values(optimizer.state.get(p)!.square_avg)[0]).toBeCloseTo(0.4, 6);
    optimizer.dispose();
    p.dispose();
  });

  it('centered subtracts the squared mean gradient', () => {
    const p = param([1]);
    const optimizer = new RMSprop([p], { lr: 0.01, alpha: 0.9, centered: true });
    setGrad(p, [2]);
    optimizer.step();
    // s = 0.4, a = 0.2, √(s − a²) = √0.36 = 0.6
    expect(values(p)[0]).toBeCloseTo(1 - (0.01 * 2) / 0.6, 5);
    expect(values(optimizer.state.get(p)!.grad_avg!)[0]).toBeCloseTo(0.2, 6);
    optimizer.dispose();
    p.dispose();
  });

  it('momentum accumulates g/d, weight decay adds λ·p', () => {
    const p = param([1]);
    const optimizer = new RMSprop([p], { lr: 0.1, alpha: 0.5, momentum: 0.5, weightDecay: 1 });
    setGrad(p, [1]);
    optimizer.step(); // g = 2, s = 2, d = √2, b = √2, p = 1 − 0.1√2
    const p1 = 1 - 0.1 * Math.SQRT2;
    expect(values(p)[0]).toBeCloseTo(p1, 5);
    setGrad(p, [1]);
    optimizer.step(); // g = 1 + p1, s = 1 + 0.5g², b = 0.5√2 + g/√s
    const g = 1 + p1;
    const s = 1 + 0.5 * g * g;
    expect(values(p)[0]).toBeCloseTo(p1 - 0.1 * (0.5 * Math.SQRT2 + g / Math.sqrt(s)), 5);
    optimizer.dispose();
    p.dispose();
  });

  it('rejects negative alpha', () => {
    const p = param([1]);
    expect(() => new RMSprop([p], { alpha: -0.1 })).toThrow(/RMSprop: invalid alpha \(options\): expected a finite number ≥ 0, got -0.1/);
    p.dispose();
  });
});
