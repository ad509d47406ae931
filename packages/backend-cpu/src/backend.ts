// The CPU backend: BackendV1 over host typed arrays. Work runs synchronously on the calling
// thread, so flush is a no-op and reads observe every earlier kernel. Each instance owns its
// buffers; generated loops and the matmul packing buffers are shared by all instances.

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

export interface CpuBackendOptions {
  /**
   * Build elementwise and reduction loops with `new Function` (default true). Where a strict
   * Content-Security-Policy forbids it the backend notices and uses closure loops by itself;
   * false forces them from the start.
   */
  readonly codegen?: boolean;
}

export function createCpuBackend(options: CpuBackendOptions = {}): BackendV1<CpuBuffer> {
  const memory = new CpuMemory();
  const context: KernelContext = { memory, codegen: options.codegen ?? true };
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
    dispose: () => memory.dispose(),

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
