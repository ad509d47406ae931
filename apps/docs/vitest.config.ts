// The docs' tests: snippets executed, markdown checked for stray code, demo training on the CPU,
// and the end-to-end site test in headless chromium (e2e/, slower; it builds the site if needed).

import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  test: {
    name: 'docs',
    include: ['test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
