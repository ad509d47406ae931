// Module.to: parameters, their gradients and buffers move in place to another backend (a second
// CPU backend here), the same objects stay registered, the old memory is freed.

import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import { ValueError, memory, registerBackend, tensor, type BackendV1 } from '@recur/tensor';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

class Scaled extends Module {
  readonly weight = this.registerParameter('weight', new Parameter(tensor([1, 2, 3])));
  readonly scale = this.registerBuffer('scale', tensor([10, 20, 30]));
}

beforeAll(() => {
  registerBackend(
    () => {
      const backend = createCpuBackend();
      return new Proxy(backend, {
        get: (target, key) => (key === 'name' ? 'cpu2' : (Reflect.get(target, key) as unknown)),
      }) as BackendV1;
    },
    { name: 'cpu2' },
  );
});

describe('Module.to', () => {
  it('moves parameters, gradients and buffers in place and frees the old memory', async () => {
    const m = new Scaled();
    m.weight.mul(m.scale).sum().backward();
    const cpuBefore = memory().backends.cpu!.numBuffers;
    const weight = m.weight;
    expect(await m.to('cpu2')).toBe(m);
    expect(m.weight).toBe(weight);
    expect(m.weight.backend).toBe('cpu2');
    expect(m.scale.backend).toBe('cpu2');
    expect(m.weight.grad!.backend).toBe('cpu2');
    expect(Array.from(await m.weight.data())).toEqual([1, 2, 3]);
    expect(Array.from(await m.weight.grad!.data())).toEqual([10, 20, 30]);
    expect(Array.from(await m.scale.data())).toEqual([10, 20, 30]);
    expect(memory().backends.cpu!.numBuffers).toBe(cpuBefore - 3);
    expect(memory().backends.cpu2!.numBuffers).toBe(3);
    m.dispose();
    expect(memory().backends.cpu2!.numBuffers).toBe(0);
  });

  it('rejects a bad target before moving anything', async () => {
    const m = new Scaled();
    await expect(m.to(null as never)).rejects.toThrow(ValueError);
    await expect(m.to(null as never)).rejects.toThrow(
      /Scaled\.to: expected a backend instance or the name of a registered backend; got null/,
    );
    expect(m.weight.backend).toBe('cpu');
  });
});
