import { createCpuBackend } from '@recur/backend-cpu';
import { BackendError, registerBackend, tensor, useBackend, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const param = (data: number[]): Tensor => tensor(data, { requiresGrad: true });
function setGrad(p: Tensor, data: number[]): void {
  p.grad?.dispose();
  p.grad = tensor(data);
}

/** Adam by hand in float64 for one scalar parameter. */
function reference(
  p0: number,
  grads: number[],
  o: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean; amsgrad: boolean },
): number {
  let p = p0;
  let m = 0;
  let v = 0;
  let vmax = 0;
  grads.forEach((grad, k) => {
    const t = k + 1;
    let g = grad;
    if (o.decoupled) p *= 1 - o.lr * o.wd;
    else g += o.wd * p;
    m = o.b1 * m + (1 - o.b1) * g;
    v = o.b2 * v + (1 - o.b2) * g * g;
    vmax = Math.max(vmax, v);
    const second = o.amsgrad ? vmax : v;
    p -= ((o.lr / (1 - o.b1 ** t)) * m) / (Math.sqrt(second) / Math.sqrt(1 - o.b2 ** t) + o.eps);
  });
  return p;
}

describe.each([
  ['fused kernel', null],
  ['composed ops', false],
] as const)('Adam / AdamW (%s)', (_label, fused) => {
  it('first step moves each element by about η·sign(g) (bias corrections cancel)', () => {
    const p = param([1, -2]);
    const optimizer = new Adam([p], { lr: 0.01, fused });
    setGrad(p, [0.5, -0.25]);
    optimizer.step();
    // m̂ = g, v̂ = g², so the step is η·g/(|g| + ε).
    expect(values(p)[0]).toBeCloseTo(1 - 0.01 * (0.5 / (0.5 + 1e-8)), 6);
    expect(values(p)[1]).toBeCloseTo(-2 + 0.01 * (0.25 / (0.25 + 1e-8)), 6);
    expect(optimizer.state.get(p)!.step).toBe(1);
    expect(values(optimizer.state.get(p)!.exp_avg)[0]).toBeCloseTo(0.05, 7);
    expect(values(optimizer.state.get(p)!.exp_avg_sq)[0]).toBeCloseTo(0.001 * 0.25, 9);
    optimizer.dispose();
    p.dispose();
  });

  it.each([
    ['Adam', false, false, 0],
    ['Adam + L2', false, false, 0.1],
    ['Adam amsgrad', false, true, 0],
    ['AdamW', true, false, 0.1],
    ['AdamW amsgrad', true, true, 0.1],
  ] as const)('%s matches the float64 equations over 4 steps', (_name, decoupled, amsgrad, weightDecay) => {
    const grads = [0.3, -1.2, 0.05, 2];
    const p = param([0.7]);
    const options = { lr: 0.05, betas: [0.8, 0.9] as const, eps: 1e-6, weightDecay, amsgrad, fused };
    const optimizer = decoupled ? new AdamW([p], options) : new Adam([p], options);
    for (const g of grads) {
      setGrad(p, [g]);
      optimizer.step();
    }
    const want = reference(0.7, grads, { lr: 0.05, b1: 0.8, b2: 0.9, eps: 1e-6, wd: weightDecay, decoupled, amsgrad });
    expect(values(p)[0]).toBeCloseTo(want, 5);
    optimizer.dispose();
    p.dispose();
  });
});

describe('Adam options', () => {
  it('AdamW defaults to weightDecay 1e-2, Adam to 0', () => {
    const p = param([1]);
    expect(new AdamW([p]).defaults.weightDecay).toBe(0.01);
    expect(new Adam([p]).defaults.weightDecay).toBe(0);
    expect(new Adam([p]).defaults.betas).toEqual([0.9, 0.999]);
    p.dispose();
  });

  it('rejects bad betas and lr, naming expected and actual', () => {
    const p = param([1]);
    expect(() => new Adam([p], { betas: [1, 0.999] })).toThrow(
      /Adam: invalid betas\[0\] \(options\): expected a number with 0 ≤ betas\[0\] < 1, got 1/,
    );
    expect(() => new Adam([p], { betas: [0.9, -0.1] })).toThrow(/betas\[1\].*got -0.1/);
    expect(() => new AdamW([p], { lr: -1 })).toThrow(/AdamW: invalid lr \(options\): expected a finite number ≥ 0, got -1/);
    expect(() => new Adam([p], { eps: -1e-8 })).toThrow(/invalid eps/);
    p.dispose();
  });

  it('fused: true needs the kernel, so a backend without one fails loudly', async () => {
    const bare = (): ReturnType<typeof createCpuBackend> => ({ ...createCpuBackend(), name: 'bare', fused: undefined });
    registerBackend(bare, { name: 'bare' });
    await useBackend('bare');
    try {
      const p = param([1]);
      const optimizer = new Adam([p], { fused: true });
      setGrad(p, [1]);
      expect(() => optimizer.step()).toThrow(BackendError);
      expect(() => optimizer.step()).toThrow(/fused: true, but backend 'bare' has no fused adamStep kernel/);
      const composed = new Adam([p], { fused: null });
      composed.step();
      expect(values(p)[0]).toBeCloseTo(0.999, 6);
      optimizer.dispose();
      composed.dispose();
      p.dispose();
    } finally {
      await useBackend('cpu');
    }
  });
});
