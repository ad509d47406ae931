// createTfjsBackend / tfjs(): BackendV1 over a TensorFlow.js backend of the user's choice. Memory
// is one flat tfjs tensor per buffer (memory.ts); kernels load views as tensors, run tfjs ops in a
// tidy and merge the result back (views.ts). Async, because tfjs backends start asynchronously.

import { BackendError, checkOptions, type AnyTypedArray, type BackendPlugin, type BackendV1, type DType } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelContext } from './context.js';
import { cast, copy, binary, fill, unary, where } from './elementwise.js';
import { activate, defaultTfjsBackend, startTfjsBackend, type TfjsBackendName } from './engine.js';
import { IndexCache } from './index-cache.js';
import { gather, scatterAdd } from './indexing.js';
import { matmul } from './matmul.js';
import { TfjsMemory, type TfjsBuffer } from './memory.js';
import { random } from './random.js';
import { reduce } from './reduce.js';

export interface TfjsBackendOptions {
  /** Which TensorFlow.js backend runs the kernels (default: webgpu with navigator.gpu, else webgl in browsers, wasm in Node). */
  readonly backend?: TfjsBackendName;
}

const OPTIONS = ['backend'];

/** A Recur backend named 'tfjs' running on tfjs backend `options.backend`; it becomes tfjs's active backend. */
export async function createTfjsBackend(options: TfjsBackendOptions = {}): Promise<BackendV1<TfjsBuffer>> {
  checkOptions('createTfjsBackend', options, OPTIONS);
  const engine = await startTfjsBackend(options.backend ?? defaultTfjsBackend());
  const memory = new TfjsMemory('tfjs');
  const cache = new IndexCache();
  const context: KernelContext = { memory, cache, engine, pendingChecks: [] };
  let disposed = false;

  /** Index checks of earlier kernels (GPU engines) settle before any data leaves. */
  async function settleChecks(): Promise<void> {
    const pending = context.pendingChecks.splice(0);
    const outcomes = await Promise.allSettled(pending.map((check) => check()));
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  }

  const readSync = (buffer: TfjsBuffer, offset?: number, size?: number): AnyTypedArray => {
    const [start, count] = memory.range('readSync', buffer, offset, size);
    activate(engine);
    return TfjsMemory.extract(buffer.dtype, buffer.tensor.dataSync(), start, count);
  };

  const backend: BackendV1<TfjsBuffer> = {
    specificationVersion: 'v1',
    name: 'tfjs',

    alloc: (size: number, dtype: DType) => {
      if (disposed) throw new BackendError('tfjs: the backend was disposed');
      activate(engine);
      return memory.alloc(size, dtype);
    },
    free: (buffer) => memory.free(buffer),
    write: (buffer, data: AnyTypedArray, offset) => {
      activate(engine);
      memory.write(buffer, data, offset);
    },
    read: async (buffer, offset, size) => {
      const [start, count] = memory.range('read', buffer, offset, size);
      // Keep the tensor alive while its data is on the way, even if the buffer is overwritten.
      const tensor = tf.clone(buffer.tensor);
      try {
        await settleChecks();
        const values = await tensor.data();
        return TfjsMemory.extract(buffer.dtype, values as ArrayLike<number>, start, count);
      } finally {
        tensor.dispose();
      }
    },
    ...(engine === 'cpu' || engine === 'wasm' ? { readSync } : {}),
    flush: () => {},
    memory: () => memory.memory(),
    dispose: () => {
      disposed = true;
      memory.dispose();
      cache.dispose();
    },

    unary: (op, x, out) => unary(context, op, x, out),
    binary: (op, a, b, out) => binary(context, op, a, b, out),
    where: (cond, a, b, out) => where(context, cond, a, b, out),
    reduce: (op, x, axes, out) => reduce(context, op, x, axes, out),
    matmul: (a, b, out, matmulOptions) => matmul(context, a, b, out, matmulOptions),
    copy: (x, out) => copy(context, x, out),
    cast: (x, out) => cast(context, x, out),
    fill: (out, value) => fill(context, out, value),
    gather: (x, indices, axis, out) => gather(context, x, indices, axis, out),
    scatterAdd: (indices, src, axis, out) => scatterAdd(context, indices, src, axis, out),
    random: (out, params) => random(context, out, params),
  };
  return backend;
}

/** The plugin `registerBackend` takes: `registerBackend(tfjs({ backend: 'wasm' }))`. */
export function tfjs(options: TfjsBackendOptions = {}): BackendPlugin {
  checkOptions('tfjs', options, OPTIONS);
  return { name: 'tfjs', priority: -1, create: () => createTfjsBackend(options) };
}
