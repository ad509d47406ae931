// Node tests of the WebGPU backend on Dawn (`webgpu` package) + SwiftShader. dawn.node crashes
// under V8's concurrent GC, so tests run in forked workers started with single-threaded GC
// flags, and the Vulkan ICD is chosen here, in the main process, for the forks to inherit.

import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineProject } from 'vitest/config';
import { NODE_GPU_FLAGS, SWIFTSHADER_ICD } from './bin/node-gpu-flags.js';

// Dawn reads the ICD when it loads; setting it inside a test is too late.
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
// Without it Dawn prints "XDG_RUNTIME_DIR is invalid or not set" (harmless).
if (!process.env.XDG_RUNTIME_DIR) {
  const dir = join(tmpdir(), `xdg-runtime-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env.XDG_RUNTIME_DIR = dir;
}

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  test: {
    name: 'backend-webgpu',
    include: ['src/**/*.test.ts'],
    exclude: ['src/**/*.browser.test.ts'],
    pool: 'forks',
    execArgv: [...NODE_GPU_FLAGS],
    // Two forks even on two cores: much of a GPU test is waiting for SwiftShader, so the
    // kernel conformance file (the longest) overlaps with the others.
    maxWorkers: 2,
    // Its own worker settings need its own group in a root run (vitest requires it).
    sequence: { groupOrder: 1 },
    // SwiftShader runs the GPU on the CPU: the 1000-step training tests took 22 s in CI and 41-53 s
    // at load 10-13 here, so 60 s left no room on a loaded CI box.
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
