import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // CLI runs train real (quick) models and some spawn the CLI; give them room on 2 cores.
  test: { name: 'cli', include: ['src/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 },
});
