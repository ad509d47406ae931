// The CLI's CPU backend opts in to relaxed SIMD's FMA (the library never sets V8 flags itself):
// after selectBackend('cpu') the engine accepts relaxed SIMD, and the cpu backend is in use.

import { setFlagsFromString } from 'node:v8';
import { relaxedSimdAvailable } from '@recur/backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';

afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

describe('selectBackend', () => {
  it("turns on relaxed SIMD for the cpu backend unless RECUR_CPU_RELAXED_SIMD is '0'", async () => {
    const saved = process.env.RECUR_CPU_RELAXED_SIMD;
    delete process.env.RECUR_CPU_RELAXED_SIMD;
    try {
      expect(await selectBackend('cpu', () => {})).toBe('cpu');
      expect(relaxedSimdAvailable()).toBe(true);
    } finally {
      if (saved !== undefined) process.env.RECUR_CPU_RELAXED_SIMD = saved;
    }
  });
});
