// The `recur` binary. Ctrl-C while training batches run stops at the next batch (checkpoint,
// exit 130); a second Ctrl-C, or one anywhere else (loading, validating, saving), ends the
// process at once. `--backend webgpu` restarts node through the WebGPU backend's launcher,
// which adds the V8 flags dawn.node needs.

import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GPU_FLAG } from './backend.js';
import { EXIT_INTERRUPTED } from './errors.js';
import { processIo } from './io.js';
import { main } from './main.js';

const argv = process.argv.slice(2);

function wantsWebGPU(args: readonly string[]): boolean {
  return args.some((arg, i) => arg === '--backend=webgpu' || (arg === '--backend' && args[i + 1] === 'webgpu'));
}

/** The launcher script, or null when the WebGPU backend is not installed. */
function gpuLauncher(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('@recur/backend-webgpu/package.json');
    return join(dirname(manifest), 'bin', 'recur-node.js');
  } catch {
    return null;
  }
}

const launcher = wantsWebGPU(argv) && !process.execArgv.includes(GPU_FLAG) ? gpuLauncher() : null;
if (launcher) {
  // Without it Dawn prints "XDG_RUNTIME_DIR is invalid or not set" (harmless, but noise).
  if (!process.env.XDG_RUNTIME_DIR) {
    const runtime = join(tmpdir(), `xdg-runtime-${process.getuid?.() ?? 'user'}`);
    mkdirSync(runtime, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = runtime;
  }
  const child = spawn(process.execPath, [launcher, ...process.execArgv, process.argv[1]!, ...argv], { stdio: 'inherit' });
  // The terminal sends Ctrl-C to the whole process group; the child handles it.
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? EXIT_INTERRUPTED : 1)));
} else {
  const controller = new AbortController();
  let interruptible = false;
  process.on('SIGINT', () => {
    if (!interruptible || controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write('\nrecur: stopping after this batch (Ctrl-C again to quit at once)\n');
    controller.abort();
  });
  const io = { ...processIo(controller.signal), setInterruptible: (on: boolean) => (interruptible = on) };
  process.exitCode = await main(argv, io);
}
