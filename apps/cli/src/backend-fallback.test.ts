// `--backend webgpu` where WebGPU fails to start (mocked, so it holds with and without a GPU):
// the CLI falls back to the CPU through the fallback chain and its warning says why.

import { describe, expect, it, vi } from 'vitest';
import { getBackend } from '@recur/tensor';
import { selectBackend } from './backend.js';

vi.mock('@recur/backend-webgpu', () => ({
  webgpu: () => ({ name: 'webgpu', create: () => Promise.reject(new Error('no GPU adapter\nmore detail')) }),
}));

describe('selectBackend fallback', () => {
  it('falls back from webgpu to cpu and warns with the reason', async () => {
    const heard: string[] = [];
    expect(await selectBackend('webgpu', (m) => heard.push(m))).toBe('cpu');
    expect(getBackend().name).toBe('cpu');
    expect(heard).toEqual(['--backend webgpu is unavailable here (no GPU adapter); falling back to cpu']);
  });
});
