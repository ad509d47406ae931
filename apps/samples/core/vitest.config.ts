import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // Registers and activates the CPU backend before every test file (one definition for all packages).
  test: { name: 'sample-core', include: ['src/**/*.test.ts'], setupFiles: ['../../../packages/tensor/src/test-support/cpu-setup.ts'] },
});
