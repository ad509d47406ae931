import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendError, ValueError } from '@recur/backend';
import { cpu, createCpuBackend } from '@recur/backend-cpu';
import { getBackend, listBackends, registerBackend, resetBackends, useBackend } from './registry.js';
import { selectBackend } from './select.js';

/** A backend plugin whose (async) factory fails, as WebGPU does without an adapter. */
const broken = { name: 'gpu', create: () => Promise.reject(new Error('no adapter found\nsecond line')) };

beforeEach(resetBackends);
afterEach(resetBackends);

describe('selectBackend', () => {
  it('skips a backend that fails to start, says why, and activates the next', async () => {
    const heard: string[] = [];
    const chosen = await selectBackend([broken, cpu()], { explain: (m) => heard.push(m) });
    expect(chosen.backend.name).toBe('cpu');
    expect(getBackend()).toBe(chosen.backend);
    expect(chosen.skipped).toEqual([{ name: 'gpu', reason: 'no adapter found' }]);
    expect(heard).toEqual(["recur: backend 'gpu' skipped (no adapter found); trying 'cpu'"]);
  });

  it('registers every plugin up front, so a later useBackend can switch to one not chosen', async () => {
    const chosen = await selectBackend([cpu(), { name: 'other', create: () => createCpuBackend() }]);
    expect(chosen.backend.name).toBe('cpu');
    expect(listBackends()).toContain('other');
    expect((await useBackend('other')).name).toBe('cpu'); // a CPU backend registered as 'other'
  });

  it('takes the first that starts, quietly by default, and accepts registered names', async () => {
    registerBackend(cpu());
    const chosen = await selectBackend(['cpu', broken]);
    expect(chosen.backend.name).toBe('cpu');
    expect(chosen.skipped).toEqual([]);
  });

  it('reports every reason when none starts', async () => {
    await expect(selectBackend([broken, 'tpu'])).rejects.toThrow(
      /selectBackend: no candidate backend started \('gpu': no adapter found; 'tpu': useBackend: no backend named 'tpu' is registered/,
    );
    await expect(selectBackend(['tpu'])).rejects.toThrow(BackendError);
  });

  it('validates its arguments', async () => {
    await expect(selectBackend([])).rejects.toThrow(ValueError);
    await expect(selectBackend([{ name: 'x' } as never])).rejects.toThrow(/candidate 0 must be a backend name or a plugin/);
    await expect(selectBackend(['cpu'], { explian: null } as never)).rejects.toThrow(/unknown option 'explian'/);
  });
});
