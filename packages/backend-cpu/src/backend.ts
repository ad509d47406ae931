// The CPU backend: BackendV1 over typed arrays (views of its wasm memory where it can). Work runs
// synchronously on the calling thread (large matmuls also on worker threads, which the caller
// waits for), so flush is a no-op and reads observe every earlier kernel. Each instance owns its buffers, its wasm memory and its
// workers; generated loops and the compiled wasm module are shared.

import { ValueError, checkOptions, type AnyTypedArray, type BackendPlugin, type BackendV1, type DType } from '@recur/backend';
import type { KernelContext } from './check.js';
import { binary, cast, copy, fill, unary, where } from './elementwise.js';
import { adamStep } from './fused-adam.js';
import { quantizedKernels } from './quantized.js';
import { fusedCells } from './fused-cells.js';
import { fusedLayerNormLstm } from './fused-layer-norm-lstm.js';
import { fusedSequence } from './fused-sequence.js';
import { gather, scatterAdd } from './gather.js';
import { Matmul } from './matmul.js';
import { CpuMemory, type CpuBuffer } from './memory.js';
import { random } from './random.js';
import { reduce } from './reduce.js';
import { ThreadPool } from './thread-pool.js';
import { WasmRuntime, wasmSimdAvailable } from './wasm-runtime.js';

export interface CpuBackendOptions {
  /**
   * Build elementwise and reduction loops with `new Function` (default true). Where a strict
   * Content-Security-Policy forbids it the backend notices and uses closure loops by itself;
   * false forces them from the start.
   */
  readonly codegen?: boolean;
  /**
   * Run matmul and the fused LSTM / GRU cells on WebAssembly SIMD kernels (default true, unless
   * the environment variable RECUR_CPU_SIMD is '0'). Where WebAssembly SIMD is missing the
   * TypeScript kernels run either way; false forces them.
   */
  readonly simd?: boolean;
  /**
   * Threads a large matmul may run on, this one included (default: the available parallelism,
   * at most 4, unless the environment variable RECUR_CPU_THREADS gives a number). More than 1
   * starts `threads − 1` workers at the first large matmul (Node's worker_threads, or Web
   * Workers on a cross-origin isolated page; elsewhere it stays at 1); 1 never starts any.
   */
  readonly threads?: number;
}

// Beyond 4 threads the RNN-sized products no longer speed up (they are 1–20 MFLOP), and a busy
// machine shares its cores with the rest of the program.
const MAX_DEFAULT_THREADS = 4;

interface Host {
  readonly process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
  readonly navigator?: { hardwareConcurrency?: number };
}
const host = globalThis as Host;

/** The option's default: on, unless RECUR_CPU_SIMD=0 asks suites run elsewhere for the TS path. */
function simdByDefault(): boolean {
  return host.process?.env?.RECUR_CPU_SIMD !== '0';
}

/** Cores this process may use: Node's os.availableParallelism, a browser's hardwareConcurrency. */
function availableParallelism(): number {
  try {
    const os = host.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
    const cores = os?.availableParallelism?.() ?? host.navigator?.hardwareConcurrency ?? 1;
    return Number.isInteger(cores) && cores >= 1 ? cores : 1;
  } catch {
    return 1;
  }
}

function checkThreads(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(
      `${what} must be a positive integer (1 = no worker threads), got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    );
  }
  return value;
}

/** The `threads` option, else RECUR_CPU_THREADS, else the available parallelism up to 4. */
function threadsOption(threads: number | undefined): number {
  if (threads !== undefined) return checkThreads(threads, 'createCpuBackend: threads');
  const env = host.process?.env?.RECUR_CPU_THREADS;
  if (env !== undefined && env.trim() !== '') return checkThreads(/^\s*\d+\s*$/.test(env) ? Number(env) : env, 'RECUR_CPU_THREADS');
  return Math.min(MAX_DEFAULT_THREADS, availableParallelism());
}

/**
 * Threads a backend made with `options` runs large matmuls on: the `threads` option (or its
 * default), or 1 where worker threads, shared memory or WebAssembly SIMD are missing here.
 */
export function cpuThreads(options: CpuBackendOptions = {}): number {
  const threads = threadsOption(options.threads);
  const simd = options.simd ?? simdByDefault();
  return threads > 1 && simd && wasmSimdAvailable() && ThreadPool.supported() ? threads : 1;
}

export function createCpuBackend(options: CpuBackendOptions = {}): BackendV1<CpuBuffer> {
  checkOptions('createCpuBackend', options, CPU_OPTIONS);
  const simd = options.simd ?? simdByDefault();
  const threads = threadsOption(options.threads);
  // Made on first use (the first alloc), over a shared memory where the engine has one, so that
  // buffers live in it and kernels run on them in place (memory.ts). With threads, a pool comes
  // along; its workers and its own shared-memory runtime start at the first large matmul.
  let runtime: WasmRuntime | null | undefined = simd ? undefined : null;
  const wasm = (): WasmRuntime | null => (runtime === undefined ? (runtime = WasmRuntime.create({ shared: true })) : runtime);
  const memory = new CpuMemory(wasm);
  // The pool's workers run over the backend's own memory where it is shared, so they read
  // buffers and cached packed weights in place (wasm-gemv-threads.ts); else over a memory of their
  // own with the same FMA variant, so threaded results equal single-threaded ones bitwise.
  const shared = (): WasmRuntime | null => {
    const base = wasm();
    if (base?.shared) return base;
    return base && WasmRuntime.create({ shared: true, fusedMultiplyAdd: base.fusedMultiplyAdd });
  };
  let pool: ThreadPool | null = simd && threads > 1 && ThreadPool.supported() ? new ThreadPool(threads, shared) : null;
  const context: KernelContext = { memory, codegen: options.codegen ?? true, wasm, pool: () => pool };
  const matmul = new Matmul();
  return {
    specificationVersion: 'v1',
    name: 'cpu',

    alloc: (size: number, dtype: DType) => memory.alloc(size, dtype),
    free: (buffer) => memory.free(buffer),
    write: (buffer, data: AnyTypedArray, offset) => memory.write(buffer, data, offset),
    read: async (buffer, offset, size) => memory.readSync(buffer, offset, size),
    readSync: (buffer, offset, size) => memory.readSync(buffer, offset, size),
    flush: () => {},
    memory: () => memory.memory(),
    dispose: () => {
      memory.dispose();
      // Lets the wasm memory go; kernels on a disposed backend throw before reaching it.
      runtime = null;
      pool?.dispose();
      pool = null;
    },

    unary: (op, x, out) => unary(context, op, x, out),
    binary: (op, a, b, out) => binary(context, op, a, b, out),
    where: (cond, a, b, out) => where(context, cond, a, b, out),
    reduce: (op, x, axes, out) => reduce(context, op, x, axes, out),
    matmul: (a, b, out, matmulOptions) => matmul.run(context, a, b, out, matmulOptions),
    copy: (x, out) => copy(context, x, out),
    cast: (x, out) => cast(context, x, out),
    fill: (out, value) => fill(context, out, value),
    gather: (x, indices, axis, out) => gather(context, x, indices, axis, out),
    scatterAdd: (indices, src, axis, out) => scatterAdd(context, indices, src, axis, out),
    random: (out, params) => random(context, out, params),
    fused: {
      ...fusedCells(context),
      ...fusedLayerNormLstm(context),
      ...fusedSequence(context, () => matmul.cache(context)),
      adamStep: (param, grad, expAvg, expAvgSq, maxExpAvgSq, params) =>
        adamStep(context, param, grad, expAvg, expAvgSq, maxExpAvgSq, params),
    },
    quantized: quantizedKernels(context, () => matmul.cache(context)),
  };
}

/** The plugin `registerBackend` takes: `registerBackend(cpu())`. */
const CPU_OPTIONS = ['codegen', 'simd', 'threads'];

export function cpu(options: CpuBackendOptions = {}): BackendPlugin {
  checkOptions('cpu', options, CPU_OPTIONS);
  // A bad `threads` surfaces here, not at the first useBackend.
  if (options.threads !== undefined) threadsOption(options.threads);
  return { name: 'cpu', priority: 0, create: () => createCpuBackend(options) };
}
