import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // CLI runs train real (quick) models and some spawn the CLI; give them room on 2 cores: the
  // Ctrl-C test (a spawned CLI compiling its sources, then a resumed run) took 58-92 s at load 18.
  test: { name: 'cli', include: ['src/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 60_000 },
});
