#!/usr/bin/env node
// recur-node: runs a Node script with the flags dawn.node needs (single-threaded GC, see
// CONTRIBUTING.md, "Dawn and the garbage collector") and SwiftShader as the Vulkan driver
// when none is chosen and it is installed.
// Usage: recur-node script.js [args…]  (all arguments go to node after the flags).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { NODE_GPU_FLAGS, SWIFTSHADER_ICD } from './node-gpu-flags.js';

const env = { ...process.env };
if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const child = spawn(process.execPath, [...NODE_GPU_FLAGS, ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
