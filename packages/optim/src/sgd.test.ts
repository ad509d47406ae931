import { tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { SGD } from './sgd.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const param = (data: number[]): Tensor => tensor(data, { requiresGrad: true });
function setGrad(p: Tensor, data: number[]): void {
  p.grad?.dispose();
  p.grad = tensor(data);
}

describe('SGD', () => {
  it('plain step: p − η·g', () => {
    const p = param([1, -2]);
    const optimizer = new SGD([p], { lr: 0.1 });
    setGrad(p, [0.5, 0.25]);
    optimizer.step();
    expect(values(p)[0]).toBeCloseTo(0.95, 6);
    expect(values(p)[1]).toBeCloseTo(-2.025, 6);
    p.dispose();
  });

  it('weight decay adds λ·p to the gradient', () => {
    const p = param([2]);
    const optimizer = new SGD([p], { lr: 0.1, weightDecay: 0.5 });
    setGrad(p, [1]);
    optimizer.step();
    // g = 1 + 0.5·2 = 2, p = 2 − 0.2
    expect(values(p)[0]).toBeCloseTo(1.8, 6);
    p.dispose();
  });

  it('momentum: the buffer starts at g, then b ← μb + (1 − τ)g', () => {
    const p = param([0]);
    const optimizer = new SGD([p], { lr: 1, momentum: 0.9, dampening: 0.5 });
    setGrad(p, [1]);
    optimizer.step(); // b = 1 (no dampening at the first step), p = −1
    expect(values(p)[0]).toBeCloseTo(-1, 6);
    setGrad(p, [2]);
    optimizer.step(); // b = 0.9 + 0.5·2 = 1.9, p = −2.9
    expect(values(p)[0]).toBeCloseTo(-2.9, 6);
    expect(values(optimizer.state.get(p)!.momentum_buffer!)[0]).toBeCloseTo(1.9, 6);
    optimizer.dispose();
    p.dispose();
  });

  it('nesterov: g + μb', () => {
    const p = param([0]);
    const optimizer = new SGD([p], { lr: 1, momentum: 0.5, nesterov: true });
    setGrad(p, [1]);
    optimizer.step(); // b = 1, step = 1 + 0.5 = 1.5
    expect(values(p)[0]).toBeCloseTo(-1.5, 6);
    setGrad(p, [1]);
    optimizer.step(); // b = 0.5 + 1 = 1.5, step = 1 + 0.75
    expect(values(p)[0]).toBeCloseTo(-3.25, 6);
    optimizer.dispose();
    p.dispose();
  });

  it('maximize ascends', () => {
    const p = param([1]);
    const optimizer = new SGD([p], { lr: 0.1, maximize: true });
    setGrad(p, [2]);
    optimizer.step();
    expect(values(p)[0]).toBeCloseTo(1.2, 6);
    p.dispose();
  });

  it('needs an lr in the options or in every group, and nesterov needs momentum without dampening', () => {
    const p = param([1]);
    expect(() => new SGD([p])).toThrow(/SGD: lr is required: .*parameter group 0 has none/);
    expect(() => new SGD([{ params: [p], lr: 0.1 }])).not.toThrow();
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/nesterov.*expects momentum > 0 and dampening 0; got momentum 0/);
    expect(() => new SGD([p], { lr: 0.1, momentum: -0.5 })).toThrow(/invalid momentum \(options\): expected a finite number ≥ 0, got -0.5/);
    p.dispose();
  });
});
