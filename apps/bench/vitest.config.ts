import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  test: { name: 'bench', include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
