// Root vitest config: every package's and app's tests in one run (`pnpm vitest run`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/*/vitest.browser.config.ts',
      'apps/*/vitest.config.ts',
      'apps/samples/*/vitest.config.ts',
    ],
  },
});
