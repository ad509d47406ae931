// Node tests of the TensorFlow.js bridge, on tfjs `cpu` and `wasm` (the browser-only `webgl` and
// `webgpu` run in vitest.browser.config.ts).

import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  test: {
    name: 'backend-tfjs',
    include: ['src/**/*.test.ts'],
    exclude: ['src/**/*.browser.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
