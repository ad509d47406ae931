// createDefault()'s fallback chain with a WebGPU backend that fails to start (mocked, so the
// test holds on machines with and without a GPU): the CPU is used, the reason is reported, and
// in Node the warning is heard only when asked for.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDefault, getBackend, resetBackends } from './index.js';

vi.mock('@recur/backend-webgpu', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  webgpu: () => ({ name: 'webgpu', create: () => Promise.reject(new Error('requestAdapter() returned null\n(details)')) }),
}));

afterEach(resetBackends);

describe('createDefault() with a GPU that fails to start', () => {
  it('falls back to the CPU and says why WebGPU was skipped', async () => {
    const heard: string[] = [];
    const setup = await createDefault({ warn: (m) => heard.push(m) });
    expect(setup.backend.name).toBe('cpu');
    expect(getBackend()).toBe(setup.backend);
    expect(setup.skipped).toEqual([{ name: 'webgpu', reason: 'requestAdapter() returned null' }]);
    expect(setup.fallbackReason).toBe('requestAdapter() returned null');
    expect(heard).toEqual(['recur: WebGPU unavailable (requestAdapter() returned null); using the CPU backend']);
  });

  it('is quiet in Node unless asked to explain', async () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const setup = await createDefault();
      expect(setup.backend.name).toBe('cpu');
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
