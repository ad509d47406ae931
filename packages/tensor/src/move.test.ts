import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendError, DisposedError, GradError, ValueError, type BackendV1 } from '@recur/backend';
import { createCpuBackend, cpu } from '@recur/backend-cpu';
import { findBackend, getBackend, registerBackend, resetBackends, useBackend } from './registry.js';
import { moveInPlace } from './move.js';
import { memory } from './memory.js';
import { arange, tensor } from './creation.js';

const gc = (globalThis as { gc?: () => void }).gc;

/** Frees every tensor nobody can reach: collect, let the finalizers run (a task), collect what they released. */
async function collect(): Promise<void> {
  if (!gc) throw new Error('collect() needs node --expose-gc (vitest.config.ts passes it)');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** A second CPU backend under another name: two backends without a GPU. */
function other(name = 'cpu2'): BackendV1 {
  const backend = createCpuBackend();
  return new Proxy(backend, {
    get(target, key) {
      if (key === 'name') return name;
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

beforeEach(async () => {
  resetBackends();
  registerBackend(cpu());
  registerBackend(() => other(), { name: 'cpu2' });
  await useBackend('cpu');
});
afterEach(resetBackends);

describe('tensor.to(backend)', () => {
  it('copies to a backend by name without activating it, and back, with equal values', async () => {
    const a = arange(0, 12, 1, { dtype: 'float32' }).reshape([3, 4]).transpose();
    const b = await a.to('cpu2');
    expect(b.backend).toBe('cpu2');
    expect(getBackend().name).toBe('cpu'); // moving does not change where new tensors are made
    expect(b.shape).toEqual([4, 3]);
    expect(b.dtype).toBe('float32');
    const back = await b.to(getBackend());
    expect(back.backend).toBe('cpu');
    expect(await back.toArray()).toEqual(await a.toArray());
    const ints = await tensor([1, -2, 3], { dtype: 'int32' }).to('cpu2');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([1, -2, 3]);
  });

  it('carries requiresGrad as a new leaf; training continues on the new backend', async () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const moved = await w.mul(2).to('cpu2');
    expect(moved.requiresGrad).toBe(true);
    expect(moved.gradFn).toBeNull();
    moved.square().sum().backward();
    expect(moved.grad!.backend).toBe('cpu2');
    expect(Array.from(await moved.grad!.data())).toEqual([4, 8, 12]);
    expect(w.grad).toBeNull(); // documented: the move is a leaf copy
    expect((await tensor([1]).to('cpu2')).requiresGrad).toBe(false);
  });

  it('on the same backend, a new handle sharing memory', async () => {
    const a = tensor([1, 2]);
    const b = await a.to('cpu');
    expect(b).not.toBe(a);
    a.dispose();
    expect(await b.toArray()).toEqual([1, 2]);
  });

  it('mixing backends names the real method', async () => {
    const b = await tensor([1, 2]).to('cpu2');
    expect(() => tensor([1, 2]).add(b)).toThrow(
      /expected every operand on backend 'cpu' \(the first operand's\); got operand 1 on 'cpu2'; move it with `await t\.to\('cpu'\)`/,
    );
  });

  it('rejects a bad target, an unknown name and a disposed tensor with typed errors', async () => {
    const a = tensor([1]);
    await expect(a.to(42 as never)).rejects.toThrow(ValueError);
    await expect(a.to('tpu')).rejects.toThrow(BackendError);
    await expect(a.to('tpu')).rejects.toThrow(/no backend named 'tpu'/);
    a.dispose();
    await expect(a.to('cpu2')).rejects.toThrow(DisposedError);
  });
});

describe('moveInPlace', () => {
  it('moves a leaf and its grad in the same handle, freeing the old memory', async () => {
    const p = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    p.mul(3).sum().backward();
    // Garbage collected first: this file's tensors left to the finalizer (this loss, earlier tests'
    // on the shared cpu backend) would otherwise be freed or not by the awaits below, as a
    // collection happened to find them, and the counts would fall by that much more.
    await collect();
    const before = memory().backends.cpu!;
    const there = memory().backends.cpu2 ?? { numBuffers: 0, numTensors: 0, numBytes: 0 };
    await moveInPlace(p, 'cpu2');
    expect(p.backend).toBe('cpu2');
    expect(p.grad!.backend).toBe('cpu2');
    expect(await p.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await p.grad!.toArray()).toEqual([
      [3, 3],
      [3, 3],
    ]);
    const cpuNow = memory().backends.cpu!;
    expect(cpuNow.numBuffers).toBe(before.numBuffers - 2); // p's and its grad's
    expect(cpuNow.numBytes).toBe(before.numBytes - 32);
    expect(cpuNow.numTensors).toBe(before.numTensors - 2);
    expect(memory().backends.cpu2!.numBuffers).toBe(there.numBuffers + 2);
    expect(memory().backends.cpu2!.numTensors).toBe(there.numTensors + 2);
    p.dispose();
    expect(memory().backends.cpu2!.numBuffers).toBe(there.numBuffers);
    expect(memory().backends.cpu2!.numTensors).toBe(there.numTensors);
    expect(findBackend('cpu2')).toBeDefined();
  });

  it('refuses a non-leaf', async () => {
    const x = tensor([1], { requiresGrad: true }).mul(2);
    await expect(moveInPlace(x, 'cpu2')).rejects.toThrow(GradError);
  });
});
