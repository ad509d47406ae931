import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineProject } from 'vitest/config';

// Tensor's CPU setup file, found through this package's own dependency on @recur/tensor (its
// workspace link), not by a relative path that assumes where the sibling folders sit.
const cpuSetup = join(dirname(createRequire(import.meta.url).resolve('@recur/tensor/package.json')), 'src/test-support/cpu-setup.ts');

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // Registers and activates the CPU backend before every test file (one definition for all packages).
  // 60 s per test and hook, not vitest's 5 s: CI's two loaded cores stretch a 1 s test several times over.
  test: {
    name: 'sequence',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: ['src/**/*.test.ts'],
    setupFiles: [cpuSetup],
  },
});
