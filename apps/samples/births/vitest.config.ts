import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // The end-to-end --quick run trains a real model: seconds alone, more beside other suites on 2 cores.
  // Registers and activates the CPU backend before every test file (one definition for all packages).
  test: {
    name: 'sample-births',
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    setupFiles: ['../../../packages/tensor/src/test-support/cpu-setup.ts'],
  },
});
