// Test support for the Node GPU suites: whether Dawn can find a Vulkan driver (the SwiftShader
// ICD chosen by vitest.config.ts), a describe that skips with a notice when it cannot (and fails
// when CI is set), and backend creation followed by the gc() that dawn.node needs
// (CONTRIBUTING.md, "Dawn and the garbage collector").

import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend, type WebGPUBackendOptions } from './backend.js';

const icd = process.env.VK_ICD_FILENAMES?.split(':')[0];

/** Whether the Vulkan ICD Dawn will load exists on this machine. */
export const nodeGpuAvailable = icd !== undefined && existsSync(icd);

const NOTICE =
  'backend-webgpu: skipping Node GPU tests: no Vulkan ICD (install chromium and libvulkan1 for ' +
  '/usr/lib/chromium/vk_swiftshader_icd.json, or set VK_ICD_FILENAMES)';

let warned = false;

/** describe() when the GPU is there; otherwise a skip with a printed notice, or a failure under CI. */
export function describeGpu(name: string, body: () => void): void {
  if (nodeGpuAvailable) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs a Vulkan ICD for Dawn', () => {
        throw new Error(NOTICE);
      });
    });
    return;
  }
  if (!warned) console.warn(NOTICE);
  warned = true;
  describe.skip(name, body);
}

export async function createTestBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const backend = await createWebGPUBackend(options);
  // Collect the import's garbage before GPU work starts (CONTRIBUTING.md, "Dawn and the garbage collector").
  (globalThis as { gc?: () => void }).gc?.();
  return backend;
}
