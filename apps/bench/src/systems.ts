// How each system's worker is started: Node workers (with Dawn's GC flags and the SwiftShader
// Vulkan driver for the WebGPU ones; CONTRIBUTING.md, "WebGPU in Node") and the PyTorch peer
// under the openmp OpenBLAS (README.md, Systems). Also which systems a run uses by default.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SystemName } from './protocol.js';
import type { Launch } from './worker-process.js';
import { ONNX_EXPORT_ENV } from './drivers/ort-driver.js';

/** Dawn crashes under V8's concurrent GC; these flags must be on node's command line. */
export const NODE_GPU_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=64', '--expose-gc'];
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** The openmp OpenBLAS build: the pthread one oversubscribes 2 cores (README.md, Systems). */
const OPENBLAS_OPENMP = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
/** Debian's torch is in the system Python, which a pyenv shim on PATH may hide. */
const PYTHON_CANDIDATES = ['/usr/bin/python3', 'python3'];
const FIND_TORCH = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 1)";

const WEBGPU_SYSTEMS: ReadonlySet<SystemName> = new Set(['recur-webgpu', 'recur-tfjs-webgpu', 'tfjs-webgpu']);
const ORT_SYSTEMS: ReadonlySet<SystemName> = new Set(['ort-wasm', 'ort-node']);
/** SwiftShader runs WebGPU on the CPU, seconds per step: only a full run includes it unasked. */
export const QUICK_DEFAULT_SYSTEMS: readonly SystemName[] = [
  'recur-cpu',
  'recur-tfjs-wasm',
  'tfjs-cpu',
  'tfjs-wasm',
  'torch-cpu',
  'brainjs',
];

/** Running from src/*.ts (tests, tsx) or from the tsup bundle in dist/. */
const sourceMode = import.meta.url.endsWith('.ts');

function workerPath(): string {
  return fileURLToPath(new URL(sourceMode ? './worker.ts' : './worker.js', import.meta.url));
}

function torchScript(): string {
  return fileURLToPath(new URL('../python/torch-peer.py', import.meta.url));
}

/** The Vulkan ICD Dawn will load: the caller's VK_ICD_FILENAMES, else SwiftShader when installed. */
export function vulkanIcd(): string | undefined {
  const chosen = process.env.VK_ICD_FILENAMES?.split(':')[0];
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  return existsSync(SWIFTSHADER_ICD) ? SWIFTSHADER_ICD : undefined;
}

function gpuEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const icd = vulkanIcd();
  if (icd && !env.VK_ICD_FILENAMES) env.VK_ICD_FILENAMES = icd;
  // Without it Dawn prints "XDG_RUNTIME_DIR is invalid or not set" (harmless but noisy).
  if (!env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `xdg-runtime-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.XDG_RUNTIME_DIR = dir;
  }
  return env;
}

/** The first interpreter that imports torch, or the reason none does. */
export function findTorchPython(preferred?: string): { python: string } | { error: string } {
  const candidates = preferred ? [preferred] : PYTHON_CANDIDATES;
  for (const python of candidates) {
    // find_spec, not import: importing torch takes seconds, and the worker does it anyway.
    const probe = spawnSync(python, ['-c', FIND_TORCH], { encoding: 'utf8', timeout: 30_000 });
    if (probe.status === 0) return { python };
  }
  return { error: `PyTorch is not importable by ${candidates.join(' or ')} (apt-get install python3-torch libopenblas0-openmp)` };
}

function torchEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads) };
  // On a busy machine OpenMP's spinning threads wait on descheduled partners: W1 LSTM took
  // 4.2 s per step at 2 threads instead of 0.11 s (load ≈ 10 on 2 cores). Passive waiting
  // avoids that; an idle machine keeps libgomp's default. A caller's setting always wins.
  if (!env.OMP_WAIT_POLICY && threads > 1 && loadavg()[0]! > availableParallelism()) env.OMP_WAIT_POLICY = 'PASSIVE';
  if (existsSync(OPENBLAS_OPENMP)) {
    env.LD_LIBRARY_PATH = [OPENBLAS_OPENMP, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  return env;
}

export interface LaunchOptions {
  readonly threads: number;
  readonly python?: string;
}

/** How to start `system`, or why it cannot run on this machine at all. */
export function launchFor(system: SystemName, options: LaunchOptions): Launch | { error: string } {
  if (system === 'torch-cpu') {
    const found = findTorchPython(options.python);
    if ('error' in found) return found;
    return { kind: 'python', command: found.python, args: [torchScript()], env: torchEnv(options.threads) };
  }
  const gpu = WEBGPU_SYSTEMS.has(system);
  if (gpu && !vulkanIcd()) {
    return { error: 'no Vulkan driver for Dawn: install chromium and libvulkan1 (SwiftShader) or set VK_ICD_FILENAMES' };
  }
  // The ort peers run the PyTorch peer's models, exported by its script at set-up.
  const env: NodeJS.ProcessEnv = gpu ? gpuEnv() : { ...process.env };
  if (ORT_SYSTEMS.has(system)) {
    const found = findTorchPython(options.python);
    env[ONNX_EXPORT_ENV] = JSON.stringify('error' in found ? found : { python: found.python, script: torchScript() });
  }
  // Source mode needs tsx to load .ts, and the `source` export condition to reach the packages' src/.
  const execArgv = [...(gpu ? NODE_GPU_FLAGS : ['--expose-gc']), ...(sourceMode ? ['--conditions=@recur/source', '--import', 'tsx'] : [])];
  // `--import tsx` resolves from the working directory: the package's, where tsx is reachable.
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  return { kind: 'node', command: workerPath(), args: [system], execArgv, cwd, env };
}
