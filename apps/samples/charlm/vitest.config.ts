import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineProject } from 'vitest/config';

// Tensor's CPU setup file, found through this package's own dependency on @recur/tensor (its
// workspace link), not by a relative path that assumes where the sibling folders sit.
const cpuSetup = join(dirname(createRequire(import.meta.url).resolve('@recur/tensor/package.json')), 'src/test-support/cpu-setup.ts');

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // The end-to-end --quick run trains a real model: seconds alone, more beside other suites on 2 cores.
  // Registers and activates the CPU backend before every test file (one definition for all packages).
  test: {
    name: 'sample-charlm',
    include: ['src/**/*.test.ts'],
    // 300 s, as sample-stream: g2p's run took 46 s and spam's compression 30 s at load 11-15.
    testTimeout: 300_000,
    setupFiles: [cpuSetup],
  },
});
