import { describe, expect, it } from 'vitest';
import { GradError, ShapeError, ValueError } from '@recur/backend';
import { attach } from './autograd.js';
import type { Tensor } from './tensor.js';
import { tensor, scalar, ones, zeros } from './creation.js';
import { noGrad, scope } from './scope.js';
import { memory } from './memory.js';

describe('backward', () => {
  it('computes d(x·y + x²)/dx and /dy', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = tensor([4, 5, 6], { requiresGrad: true });
    x.mul(y).add(x.mul(x)).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([4 + 2, 5 + 4, 6 + 6]);
    expect(Array.from(y.grad!.dataSync())).toEqual([1, 2, 3]);
  });

  it('accumulates into .grad across backward calls and for a tensor used many times', () => {
    const w = scalar(3, { requiresGrad: true });
    const uses = [w, w, w, w].reduce((acc, t) => acc.add(t.mul(2)));
    uses.backward();
    // w + 2w + 2w + 2w = 7w
    expect(w.grad!.itemSync()).toBe(7);
    w.mul(w).backward();
    expect(w.grad!.itemSync()).toBe(7 + 6);
  });

  // 120 s each: the unrolled RNN took 12.9 s at load 13 on 2 cores (30 s was too close for a loaded CI box).
  it('walks a graph 10,000 ops deep without overflowing the stack', () => {
    const x = scalar(1, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 10_000; i++) y = y.mul(1.0001);
    y.backward();
    expect(x.grad!.itemSync()).toBeCloseTo(Math.pow(1.0001, 10_000), 2);
  }, 120_000);

  it('walks a 10,000-step unrolled RNN (h = tanh(x·W + h·U)) without overflowing the stack', () => {
    // The input projection x·W is one node before the loop (as the layers do it); every step then
    // records matmul, add and tanh, sharing x·W and U: a deep graph with fan-in at both, walked and
    // released iteratively.
    const w = tensor([[0.5]], { requiresGrad: true });
    const u = tensor([[0.25]], { requiresGrad: true });
    const steps = 10_000;
    const before = memory().numTensors;
    scope(() => {
      let h = zeros([1, 1]);
      const projected = ones([1, 1]).matmul(w);
      for (let t = 0; t < steps; t++) h = projected.add(h.matmul(u)).tanh();
      h.sum().backward();
    });
    // The fixed point h* = tanh(0.5 + 0.25·h*) is reached long before the end; its derivatives
    // are dh*/dw = (1 − h*²)/(1 − 0.25(1 − h*²)) and dh*/du = h*·dh*/dw.
    let hStar = 0;
    for (let i = 0; i < 200; i++) hStar = Math.tanh(0.5 + 0.25 * hStar);
    const slope = 1 - hStar * hStar;
    const dw = slope / (1 - 0.25 * slope);
    expect(w.grad!.itemSync()).toBeCloseTo(dw, 4);
    expect(u.grad!.itemSync()).toBeCloseTo(hStar * dw, 4);
    // Only the two gradients outlive the scope: every saved tensor of the 30,000 nodes was freed.
    expect(memory().numTensors).toBe(before + 2);
  }, 120_000);

  it('hands the VJP the saved tensors of its record and frees them with the graph', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const before = memory().numTensors;
    const y = noGrad(() => x.mul(x));
    let seen: Tensor | null = null;
    attach(y, 'square', [x], {
      save: { x },
      vjp: (g, saved) => {
        seen = saved.x;
        return [g.mul(saved.x).mul(2)];
      },
    });
    // The record holds its own alias of x: y and that alias are the new handles.
    expect(memory().numTensors).toBe(before + 2);
    y.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 4, 6]);
    expect(seen).not.toBe(x);
    expect(seen!.isDisposed).toBe(true);
    expect(() => attach(y, 'bad', [x], ((g: Tensor) => [g]) as never)).toThrow(ValueError);
  });

  it('broadcast operands receive gradients summed back to their shape', () => {
    const a = ones([2, 3], { requiresGrad: true });
    const b = tensor([1, 2, 3], { requiresGrad: true });
    a.mul(b).sum().backward();
    expect(Array.from(b.grad!.dataSync())).toEqual([2, 2, 2]);
    expect(a.grad!.toArraySync()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('refuses an implicit gradient for a non-scalar output', () => {
    const x = ones([2, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(GradError);
    expect(() => x.mul(2).backward()).toThrow(/one element; got shape \[2,2\]/);
  });

  it('accepts an explicit gradient of the output shape, and rejects a wrong one', () => {
    const x = ones([2, 2], { requiresGrad: true });
    x.mul(3).backward(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(x.grad!.toArraySync()).toEqual([
      [3, 6],
      [9, 12],
    ]);
    expect(() => x.mul(3).backward(ones([3]))).toThrow(ShapeError);
  });

  it('refuses backward through a tensor that does not require grad', () => {
    expect(() => ones([1]).mul(2).backward()).toThrow(GradError);
  });

  it('frees the graph after backward unless retainGraph is set', () => {
    const x = scalar(2, { requiresGrad: true });
    const y = x.exp();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.itemSync()).toBeCloseTo(2 * Math.exp(2), 4);
    expect(() => y.backward()).toThrow(/freed by an earlier backward/);
  });

  it('records nothing inside noGrad and through detach', () => {
    const x = scalar(2, { requiresGrad: true });
    const y = noGrad(() => x.mul(3));
    expect(y.requiresGrad).toBe(false);
    expect(x.mul(3).detach().requiresGrad).toBe(false);
  });

  it('gives back every tensor of forward and backward when run in a scope', () => {
    const w = ones([4, 3], { requiresGrad: true });
    const before = memory();
    scope(() => {
      const x = tensor([[1, 2, 3, 4]]);
      const loss = x.matmul(w).tanh().sum();
      loss.backward();
    });
    // Only w.grad (one tensor, one buffer) outlives the scope.
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors + 1);
    expect(after.numBuffers).toBe(before.numBuffers + 1);
    w.grad!.dispose();
    w.grad = null;
    expect(memory().numBytes).toBe(before.numBytes);
  });

  it('only float tensors can require grad', () => {
    expect(() => zeros([2], { dtype: 'int32', requiresGrad: true })).toThrow(/only float32/);
  });
});
