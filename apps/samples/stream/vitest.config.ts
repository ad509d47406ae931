import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // The end-to-end test trains the stream model and a births model, then streams two test years.
  // Registers and activates the CPU backend before every test file (one definition for all packages).
  test: {
    name: 'sample-stream',
    include: ['src/**/*.test.ts'],
    testTimeout: 300_000,
    setupFiles: ['../../../packages/tensor/src/test-support/cpu-setup.ts'],
  },
});
