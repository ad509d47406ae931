import { afterEach, describe, expect, it } from 'vitest';
import { BackendError, type BackendV1 } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { getBackend, listBackends, registerBackend, resetBackends, useBackend } from './registry.js';

afterEach(resetBackends);

/** A CPU backend that reports other identity fields (methods stay bound to the real one). */
function renamed(fields: Record<string, unknown>): BackendV1 {
  const backend = createCpuBackend();
  return new Proxy(backend, {
    get(target, key) {
      if (typeof key === 'string' && key in fields) return fields[key];
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('backend registry', () => {
  it('importing registers nothing', () => {
    resetBackends();
    expect(listBackends()).toEqual([]);
    expect(() => getBackend()).toThrow(/no backend is in use/);
  });

  it('registers, activates and returns a backend', async () => {
    registerBackend(createCpuBackend, { name: 'cpu', priority: 1 });
    const backend = await useBackend('cpu');
    expect(backend.name).toBe('cpu');
    expect(getBackend()).toBe(backend);
  });

  it('picks the highest-priority synchronous backend when none was chosen', () => {
    registerBackend(() => renamed({ name: 'low' }), { name: 'low', priority: 0 });
    registerBackend(() => renamed({ name: 'high' }), { name: 'high', priority: 5 });
    expect(listBackends()).toEqual(['high', 'low']);
    expect(getBackend().name).toBe('high');
  });

  it('refuses an unknown name and an unknown specification version', async () => {
    await expect(useBackend('nope')).rejects.toThrow(/no backend named 'nope' is registered/);
    registerBackend(() => renamed({ specificationVersion: 'v9' }), { name: 'future' });
    await expect(useBackend('future')).rejects.toThrow(BackendError);
    await expect(useBackend('future')).rejects.toThrow(/implements specification "v9", expected 'v1'/);
  });
});
