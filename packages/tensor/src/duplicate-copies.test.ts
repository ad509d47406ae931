// A duplicated install loads two copies of @recur/tensor (simulated with vi.resetModules): they
// share one backend registry, so a backend registered through one serves the other, and a
// tensor of one copy handed to the other is refused with an error that says two copies are loaded.

import { describe, expect, it, vi } from 'vitest';
import { cpu } from '@recur/backend-cpu';
import * as first from './index.js';

describe('two copies of @recur/tensor', () => {
  it('share one registry and name the duplicate when their tensors meet', async () => {
    first.resetBackends();
    vi.resetModules();
    const second = (await import('./index.js')) as typeof first;
    expect(second).not.toBe(first);
    expect(second.Tensor).not.toBe(first.Tensor);

    second.registerBackend(cpu());
    await second.useBackend('cpu');
    // Registered and activated through the second copy; the first sees it (not "no backend is in use").
    expect(first.listBackends()).toEqual(['cpu']);
    expect(first.getBackend()).toBe(second.getBackend());

    const foreign = second.tensor([1, 2]);
    expect(() => first.tensor([1, 2]).add(foreign as unknown as first.Tensor)).toThrow(
      /must be a Tensor or a number; got a Tensor from another copy of @recur\/tensor: 2 copies are loaded \(a duplicated install/,
    );
    first.resetBackends();
  });
});
