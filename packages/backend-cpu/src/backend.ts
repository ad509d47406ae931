// The CPU backend: BackendV1 over host typed arrays. Work runs synchronously on the calling
// thread, so flush is a no-op and reads observe every earlier kernel. Each instance owns its
// buffers and its wasm memory; generated loops and the compiled wasm module are shared.

import type { AnyTypedArray, BackendPlugin, BackendV1, DType } from '@recur/backend';
import type { KernelContext } from './check.js';
import { binary, cast, copy, fill, unary, where } from './elementwise.js';
import { adamStep } from './fused-adam.js';
import { fusedCells } from './fused-cells.js';
import { gather, scatterAdd } from './gather.js';
import { Matmul } from './matmul.js';
import { CpuMemory, type CpuBuffer } from './memory.js';
import { random } from './random.js';
import { reduce } from './reduce.js';
import { WasmRuntime } from './wasm-runtime.js';

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
}

/** The option's default: on, unless RECUR_CPU_SIMD=0 asks suites run elsewhere for the TS path. */
function simdByDefault(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.RECUR_CPU_SIMD !== '0';
}

export function createCpuBackend(options: CpuBackendOptions = {}): BackendV1<CpuBuffer> {
  const memory = new CpuMemory();
  const simd = options.simd ?? simdByDefault();
  // Made on first use, so a backend that never multiplies holds no wasm memory.
  let runtime: WasmRuntime | null | undefined = simd ? undefined : null;
  const wasm = (): WasmRuntime | null => (runtime === undefined ? (runtime = WasmRuntime.create()) : runtime);
  const context: KernelContext = { memory, codegen: options.codegen ?? true, wasm };
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
      adamStep: (param, grad, expAvg, expAvgSq, maxExpAvgSq, params) =>
        adamStep(context, param, grad, expAvg, expAvgSq, maxExpAvgSq, params),
    },
  };
}

/** The plugin `registerBackend` takes: `registerBackend(cpu())`. */
export function cpu(options: CpuBackendOptions = {}): BackendPlugin {
  return { name: 'cpu', priority: 0, create: () => createCpuBackend(options) };
}
