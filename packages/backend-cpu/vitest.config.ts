import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { name: 'backend-cpu', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] },
});
