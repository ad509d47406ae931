import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // Registers and activates the CPU backend before every test file (one definition for all packages).
  // Forked workers with --expose-gc: the no-scope loop test measures memory after a collection.
  test: {
    name: 'train',
    include: ['src/**/*.test.ts'],
    setupFiles: ['../tensor/src/test-support/cpu-setup.ts'],
    pool: 'forks',
    execArgv: ['--expose-gc'],
  },
});
