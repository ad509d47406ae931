// Browser tests of the TensorFlow.js bridge on tfjs `webgl` and `webgpu`: vitest browser mode
// driving Debian's chromium through Playwright (never `playwright install`), WebGL and WebGPU
// both on SwiftShader. Without chromium the config warns and runs nothing; with CI set it fails.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  const message = `backend-tfjs-browser: ${CHROMIUM} not found (apt-get install -y chromium); browser tests not run`;
  if (process.env.CI) throw new Error(message);
  console.warn(message);
}

// The browser needs only the testkit's conformance half (its gradcheck and fused suites would
// pull cells, optim and sequence into the bundle).
const TESTKIT_CONFORMANCE = fileURLToPath(new URL('../testkit/src/conformance/index.ts', import.meta.url));

export default defineProject({
  resolve: {
    conditions: ['@recur/source', 'module', 'browser', 'development|production'],
    alias: [{ find: /^@recur\/testkit$/, replacement: TESTKIT_CONFORMANCE }],
  },
  test: {
    name: 'backend-tfjs-browser',
    include: available ? ['src/**/*.browser.test.ts'] : [],
    // 300 s: tfjs' webgl and webgpu kernels on SwiftShader took up to 22 s a test at load 11 on 2 cores.
    testTimeout: 300_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            '--no-sandbox',
            '--enable-unsafe-webgpu',
            '--use-angle=swiftshader',
            '--enable-unsafe-swiftshader',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
      screenshotFailures: false,
    },
  },
});
