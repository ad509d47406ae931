import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  test: { name: 'tokenizers', include: ['src/**/*.test.ts'] },
});
