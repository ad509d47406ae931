import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // Registers and activates the CPU backend before every test file (one definition for all packages).
  // Forked workers with --expose-gc: reclaim.test.ts collects garbage to test the finalizer.
  test: {
    name: 'tensor',
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/test-support/cpu-setup.ts'],
    pool: 'forks',
    execArgv: ['--expose-gc'],
  },
});
