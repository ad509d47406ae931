// Browser tests of the WebGPU backend: vitest browser mode driving Debian's chromium through
// Playwright (never `playwright install`), with WebGPU on its SwiftShader Vulkan driver. Without
// chromium the config warns and runs nothing; with CI set it fails instead.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  const message = `backend-webgpu-browser: ${CHROMIUM} not found (apt-get install -y chromium); browser tests not run`;
  if (process.env.CI) throw new Error(message);
  console.warn(message);
}

// The browser needs only the testkit's conformance half, so imports of @recur/testkit resolve
// there (its gradcheck and fused suites would pull cells, optim and sequence into the bundle).
const TESTKIT_CONFORMANCE = fileURLToPath(new URL('../testkit/src/conformance/index.ts', import.meta.url));

export default defineProject({
  resolve: {
    conditions: ['@recur/source', 'module', 'browser', 'development|production'],
    alias: [{ find: /^@recur\/testkit$/, replacement: TESTKIT_CONFORMANCE }],
  },
  test: {
    name: 'backend-webgpu-browser',
    include: available ? ['src/**/*.browser.test.ts'] : [],
    // 300 s, as the Node project: in CI the device-loss test waits for Chromium's GPU process
    // (SwiftShader, shared with the other browser projects' work) to deliver device.lost — 0.4-0.7 s
    // alone, 5.1-5.5 s in two CI runs, past 60 s once at load.
    testTimeout: 300_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            '--no-sandbox',
            '--enable-unsafe-webgpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
