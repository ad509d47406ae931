// The WebGPU backend: BackendV1 over GPU buffers with WGSL kernels. Kernel calls only record
// work into one batched command encoder; `flush` submits it and `read` submits and waits. Works
// in browsers (navigator.gpu) and in Node through the `webgpu` package (Dawn).

import { checkOptions, type BackendMemoryInfo, type BackendPlugin, type BackendV1 } from '@recur/backend';
import { acquireDevice, type AcquireOptions } from './acquire-device.js';
import type { PoolStats } from './buffer-pool.js';
import { CommandQueue } from './command-queue.js';
import { DeviceHealth } from './device-health.js';
import { binary, cast, copy, fill, unary, where } from './elementwise.js';
import { fusedAdam } from './fused-adam.js';
import { fusedCells } from './fused-cells.js';
import { gather, scatterAdd } from './indexing.js';
import { KernelContext } from './kernel-context.js';
import { matmul } from './matmul.js';
import { GpuMemory, type WebGPUBuffer } from './memory.js';
import { PassTimer, type PassTiming } from './pass-timer.js';
import { PipelineCache } from './pipeline-cache.js';
import { hasPackedDot, quantizedKernels } from './quantized.js';
import { random } from './random.js';
import { checkRecurrentOptions, recurrentPolicy, type RecurrentPolicy, type RecurrentWeights } from './recurrent-policy.js';
import { layerNormLstmSequenceKernels } from './layer-norm-lstm-sequence.js';
import { recurrentSequenceKernels, type SequenceLimits } from './recurrent-sequence.js';
import { reduce } from './reduce.js';

export interface WebGPUBackendOptions extends AcquireOptions {
  /**
   * Plan with smaller limits than the device's (never larger): to mimic a smaller GPU, or to
   * exercise grid splitting and the buffer-size error on small tensors in tests.
   */
  readonly limits?: {
    readonly maxComputeWorkgroupsPerDimension?: number;
    readonly maxStorageBufferBindingSize?: number;
    /** Lowering it sends shapes whose rows no longer fit a workgroup to the per-step recurrent path. */
    readonly maxComputeWorkgroupStorageSize?: number;
  };
  /** Bytes of freed GPU buffers kept for reuse (default 256 MiB); beyond it they are destroyed. */
  readonly maxPooledBytes?: number;
  /**
   * Whether LSTM/GRU/RNN layers walk each layer-direction's whole sequence in one dispatch (shapes
   * that do not fit the device still go step by step). Default: true, except on a fallback
   * (CPU-emulated) adapter such as SwiftShader, where the per-step path is faster.
   */
  readonly wholeSequence?: boolean;
  /**
   * 'float16': the whole-sequence kernels read W_hh as half floats (a cached copy, converted again
   * after each write to the weight), halving the bytes each step reads; h, c and the sums stay
   * float32. Each weight is rounded to 11 significant bits (relative error ≤ 2^-11, ±65504 at most).
   * Default 'float32'.
   */
  readonly recurrentWeights?: RecurrentWeights;
}

/** What the backend reports beyond BackendV1's memory(): GPUBuffers, pipelines and submissions. */
export interface WebGPUStats {
  /** Storage GPUBuffers (live tensors' buffers plus pooled ones). */
  readonly storage: PoolStats;
  /** MAP_READ buffers used by `read`. */
  readonly staging: PoolStats;
  readonly pipelines: number;
  readonly dispatches: number;
  readonly submits: number;
}

export interface WebGPUBackend extends BackendV1<WebGPUBuffer> {
  readonly name: 'webgpu';
  readonly device: GPUDevice;
  /** The limits kernels are planned with (the device's, lowered by options.limits). */
  readonly limits: { readonly maxComputeWorkgroupsPerDimension: number; readonly maxBufferBytes: number };
  /** How recurrent layers run here: options.wholeSequence (or the adapter's default) and options.recurrentWeights. */
  readonly recurrent: RecurrentPolicy;
  stats(): WebGPUStats;
  /**
   * Where the device has 'timestamp-query': GPU time of the work recorded between start() and
   * stop() (stop flushes), summed over compute passes. For profiling (bench/profile-lstm.ts).
   */
  readonly timing?: { start(): void; stop(): Promise<PassTiming> };
  /** Release every buffer (and the device, when the backend created it); later calls throw. */
  dispose(): void;
}

const DEFAULT_POOLED_BYTES = 256 * 1024 * 1024;

const WEBGPU_OPTIONS = ['device', 'adapter', 'powerPreference', 'gpu', 'limits', 'maxPooledBytes', 'wholeSequence', 'recurrentWeights'];

export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  checkOptions('createWebGPUBackend', options, WEBGPU_OPTIONS);
  checkOptions('createWebGPUBackend: limits', options.limits, [
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBufferBindingSize',
    'maxComputeWorkgroupStorageSize',
  ]);
  checkRecurrentOptions('createWebGPUBackend', options);
  const { device, ownsDevice, gpu } = await acquireDevice(options);
  const recurrent = recurrentPolicy(options, device.adapterInfo);
  const health = new DeviceHealth(device);
  const lowered = options.limits ?? {};
  const maxComputeWorkgroupsPerDimension = Math.min(
    device.limits.maxComputeWorkgroupsPerDimension,
    lowered.maxComputeWorkgroupsPerDimension ?? Infinity,
  );
  const maxBufferBytes = Math.min(
    device.limits.maxStorageBufferBindingSize,
    device.limits.maxBufferSize,
    lowered.maxStorageBufferBindingSize ?? Infinity,
  );
  const sequenceLimits: SequenceLimits = {
    maxComputeWorkgroupStorageSize: Math.min(
      device.limits.maxComputeWorkgroupStorageSize,
      lowered.maxComputeWorkgroupStorageSize ?? Infinity,
    ),
    maxComputeInvocationsPerWorkgroup: device.limits.maxComputeInvocationsPerWorkgroup,
    maxStorageBuffersPerShaderStage: device.limits.maxStorageBuffersPerShaderStage,
  };
  const queue = new CommandQueue(device, maxComputeWorkgroupsPerDimension);
  const memory = new GpuMemory(device, queue, health, {
    maxBufferBytes,
    maxPooledBytes: options.maxPooledBytes ?? DEFAULT_POOLED_BYTES,
  });
  const pipelines = new PipelineCache(device);
  const timer = device.features.has('timestamp-query') ? new PassTimer(device) : null;
  const context = new KernelContext(memory, queue, pipelines, health);
  // Every kernel call first checks that the device is still usable.
  const guarded =
    <A extends unknown[]>(op: string, kernel: (...args: A) => void) =>
    (...args: A): void => {
      health.check(op);
      kernel(...args);
    };
  // Dawn's GPU instance must outlive the device; hold it until the device is destroyed.
  let keepAlive: GPU | undefined = gpu;
  void keepAlive;

  return {
    specificationVersion: 'v1',
    name: 'webgpu',
    device,
    limits: { maxComputeWorkgroupsPerDimension, maxBufferBytes },
    recurrent,

    alloc: (size, dtype) => memory.alloc(size, dtype),
    free: (buffer) => memory.free(buffer),
    write: (buffer, data, offset) => memory.write(buffer, data, offset),
    read: (buffer, offset, size) => memory.read(buffer, offset, size),
    flush: () => {
      health.check('flush');
      queue.flush();
    },
    memory: (): BackendMemoryInfo => memory.memory(),
    stats: () => ({ ...memory.poolStats(), pipelines: pipelines.size, ...queue.counts }),
    ...(timer && {
      timing: {
        start: () => {
          queue.flush();
          queue.timer = timer;
          timer.start();
        },
        stop: () => {
          queue.flush();
          queue.timer = null;
          return timer.stop();
        },
      },
    }),
    dispose: () => {
      if (health.disposed) return;
      health.markDisposed();
      queue.discard();
      const release = memory.dispose();
      // Destroying a device (or its buffers) while its queue still works crashes Dawn in Node:
      // let submitted work finish first. A lost device has no work left to wait for.
      const destroy = (): void => {
        release();
        queue.destroy();
        timer?.destroy();
        if (ownsDevice) device.destroy();
        keepAlive = undefined;
      };
      device.queue.onSubmittedWorkDone().then(destroy, destroy);
    },

    unary: guarded('unary', (op, x, out) => unary(context, op, x, out)),
    binary: guarded('binary', (op, a, b, out) => binary(context, op, a, b, out)),
    where: guarded('where', (cond, a, b, out) => where(context, cond, a, b, out)),
    reduce: guarded('reduce', (op, x, axes, out) => reduce(context, op, x, axes, out)),
    matmul: guarded('matmul', (a, b, out, matmulOptions) => matmul(context, a, b, out, matmulOptions)),
    copy: guarded('copy', (x, out) => copy(context, x, out)),
    cast: guarded('cast', (x, out) => cast(context, x, out)),
    fill: guarded('fill', (out, value) => fill(context, out, value)),
    gather: guarded('gather', (x, indices, axis, out) => gather(context, x, indices, axis, out)),
    scatterAdd: guarded('scatterAdd', (indices, src, axis, out) => scatterAdd(context, indices, src, axis, out)),
    random: guarded('random', (out, params) => random(context, out, params)),
    fused: {
      ...fusedCells(context),
      ...recurrentSequenceKernels(context, sequenceLimits, recurrent),
      ...layerNormLstmSequenceKernels(context, sequenceLimits, recurrent.wholeSequence),
      adamStep: fusedAdam(context),
    },
    quantized: quantizedKernels(context, hasPackedDot(gpu)),
  };
}

/** The plugin `registerBackend` takes: `registerBackend(webgpu())`. Ranks above cpu (priority 0). */
export function webgpu(options: WebGPUBackendOptions = {}): BackendPlugin {
  checkOptions('webgpu', options, WEBGPU_OPTIONS);
  checkRecurrentOptions('webgpu', options);
  return { name: 'webgpu', priority: 10, create: () => createWebGPUBackend(options) };
}
