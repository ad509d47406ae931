import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // 300 s: the --quick run starts a worker process per system and took 19 s at load 12 on 2 cores.
  test: { name: 'bench', include: ['src/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 60_000 },
});
