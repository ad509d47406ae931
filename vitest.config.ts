// Root vitest config: every package's and app's tests in one run (`pnpm test`). With
// VITEST_JSON_REPORT=path, a JSON report is written there too (CI prints its counts).
import { defineConfig } from 'vitest/config';

const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/*/vitest.browser.config.ts',
      'apps/*/vitest.config.ts',
      'apps/samples/*/vitest.config.ts',
      'tooling/*/vitest.config.ts',
      'tooling/*/vitest.browser.config.ts',
    ],
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
  },
});
