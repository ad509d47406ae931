import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // 60 s per test and hook, not vitest's 5 s: CI's two loaded cores stretch a 1 s test several times over.
  test: { name: 'recur', testTimeout: 60_000, hookTimeout: 60_000, include: ['src/**/*.test.ts'] },
});
