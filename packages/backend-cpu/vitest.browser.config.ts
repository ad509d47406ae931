// Browser tests of the CPU backend's worker threads: vitest browser mode driving Debian's
// chromium through Playwright (never `playwright install`), on pages served cross-origin isolated
// (COOP same-origin + COEP require-corp), the only pages where the backend starts Web Workers over
// shared memory. Without chromium the config warns and runs nothing; with CI set it fails instead.

import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  const message = `backend-cpu-browser: ${CHROMIUM} not found (apt-get install -y chromium); browser tests not run`;
  if (process.env.CI) throw new Error(message);
  console.warn(message);
}

/** What makes a page cross-origin isolated (crossOriginIsolated, SharedArrayBuffer). */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineProject({
  resolve: { conditions: ['@recur/source', 'module', 'browser', 'development|production'] },
  server: { headers: ISOLATION_HEADERS },
  test: {
    name: 'backend-cpu-browser',
    include: available ? ['src/**/*.browser.test.ts'] : [],
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            '--no-sandbox',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
      // A blank page's picture says nothing about a matmul (and would litter .vitest-attachments).
      screenshotFailures: false,
    },
  },
});
