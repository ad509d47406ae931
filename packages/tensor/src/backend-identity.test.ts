// A backend is known by the instance a tensor's storage holds and by the key it was registered
// under, not by its own `name`: the CPU backend registered a second time ('cpu2', instance name
// 'cpu') or two CPU instances with other options must each keep their own tensors.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendError } from '@recur/backend';
import { cpu, createCpuBackend } from '@recur/backend-cpu';
import { findBackend, getBackend, registerBackend, resetBackends, useBackend } from './registry.js';
import { moveInPlace } from './move.js';
import { memory } from './memory.js';
import { backendOf } from './extend.js';
import { arange, fullLike, scalar, tensor, zeros } from './creation.js';
import { randn } from './random.js';

beforeEach(async () => {
  resetBackends();
  registerBackend(cpu());
  // The same plugin's instance under a second key: its own `name` stays 'cpu'.
  registerBackend(createCpuBackend, { name: 'cpu2' });
  await useBackend('cpu');
});
afterEach(resetBackends);

describe('a backend registered under a key other than its name', () => {
  it('tensors report the key, and creating by that key lands on the same instance', async () => {
    const second = await useBackend('cpu2');
    expect(second.name).toBe('cpu');
    const a = arange(0, 6, 1, { dtype: 'float32' }).reshape([2, 3]);
    expect(a.backend).toBe('cpu2');
    expect(backendOf('test', a)).toBe(second);
    const b = zeros([2, 3], { backend: a.backend });
    expect(backendOf('test', b)).toBe(second);
    expect(backendOf('test', fullLike(a, 2), scalar(1, { backend: a.backend }))).toBe(second);
    const y = a.add(b).mul(a).sum({ axis: 1 });
    expect(y.backend).toBe('cpu2');
    expect(Array.from(await y.data())).toEqual([5, 50]);
    expect(String(y)).toContain('backend=cpu2');
  });

  it('memory() counts each instance under its own key', async () => {
    const before = memory().backends['cpu2']?.numTensors ?? 0;
    await useBackend('cpu2');
    const a = tensor([1, 2, 3]);
    expect(memory().backends['cpu2']!.numTensors).toBe(before + 1);
    expect(memory().backends['cpu2']!.numBytes).toBeGreaterThanOrEqual(12);
    a.dispose();
    expect(memory().backends['cpu2']!.numTensors).toBe(before);
  });

  it('.to() by key and by instance both ways, and moveInPlace, keep values and land on the right instance', async () => {
    const first = getBackend();
    const second = await useBackend('cpu2');
    await useBackend('cpu');
    const a = randn([3, 4]);
    const there = await a.to('cpu2');
    expect(there.backend).toBe('cpu2');
    expect(backendOf('test', there)).toBe(second);
    const back = await there.to(a.backend);
    expect(backendOf('test', back)).toBe(first);
    expect(Array.from(await back.data())).toEqual(Array.from(await a.data()));
    const viaInstance = await back.to(second);
    expect(viaInstance.backend).toBe('cpu2');

    const w = tensor([1, 2, 3], { requiresGrad: true });
    w.mul(w).sum().backward();
    await moveInPlace(w, 'cpu2');
    expect(w.backend).toBe('cpu2');
    expect(w.grad!.backend).toBe('cpu2');
    expect(findBackend(w.backend)).toBe(second);
    await moveInPlace(w, 'cpu');
    expect(backendOf('test', w, w.grad!)).toBe(first);
    expect(Array.from(await w.grad!.data())).toEqual([2, 4, 6]);
  });
});

describe('mixing backends in one op', () => {
  it('is a BackendError naming the expected backend and the one that came', async () => {
    const a = tensor([1, 2]);
    const b = await tensor([3, 4]).to('cpu2');
    expect(() => a.add(b)).toThrow(BackendError);
    expect(() => a.add(b)).toThrow(/add: expected every operand on backend 'cpu' \(the first operand's\); got operand 1 on 'cpu2'/);
    expect(() => b.mul(a)).toThrow(/expected every operand on backend 'cpu2' \(the first operand's\); got operand 1 on 'cpu'/);
  });

  it('two instances of the CPU backend with other options are told apart', async () => {
    registerBackend(cpu({ simd: false }), { name: 'cpu-scalar' });
    const scalarOnly = await tensor([1, 2]).to('cpu-scalar');
    expect(scalarOnly.backend).toBe('cpu-scalar');
    expect(() => tensor([1, 2]).sub(scalarOnly)).toThrow(/expected every operand on backend 'cpu' .*got operand 1 on 'cpu-scalar'/);
    // An instance that was never registered shares its name with the registered one: said so.
    const loose = tensor([5, 6], { backend: createCpuBackend() });
    expect(loose.backend).toBe('cpu');
    expect(() => tensor([1, 2]).add(loose)).toThrow(/on backend 'cpu' .*got operand 1 on 'cpu' \(another instance of that name\)/);
  });
});
