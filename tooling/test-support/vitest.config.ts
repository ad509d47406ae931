import { defineProject } from 'vitest/config';

export default defineProject({
  // 60 s per test and hook, not vitest's 5 s: CI's two loaded cores stretch a 1 s test several times over.
  test: { name: 'test-support', testTimeout: 60_000, hookTimeout: 60_000, include: ['src/**/*.test.ts'] },
});
