// GPU time of compute passes through timestamp queries, for profiling (bench/profile-lstm.ts):
// while started, every compute pass the command queue begins writes a begin/end timestamp pair;
// `stop` resolves the pairs and sums end − begin. Only where the device has 'timestamp-query'.

import { BackendError } from '@recur/backend';
import { BufferUsage, MapMode } from './gpu-flags.js';

/** QUERY_RESOLVE (GPUBufferUsage); not in gpu-flags.ts since only the timer uses it. */
const QUERY_RESOLVE = 0x0200;
/** Timestamp pairs per start … stop (a query set holds at most 4096 queries); passes beyond run untimed, counted. */
const MAX_PASSES = 2048;

export interface PassTiming {
  /** GPU nanoseconds inside the timed compute passes. */
  readonly nanoseconds: number;
  /** Passes timed, and passes left untimed because the query set was full. */
  readonly passes: number;
  readonly untimed: number;
}

export class PassTimer {
  readonly #querySet: GPUQuerySet;
  readonly #resolved: GPUBuffer;
  #used = 0;
  #resolvedUpTo = 0;
  #untimed = 0;
  running = false;

  constructor(private readonly device: GPUDevice) {
    if (!device.features.has('timestamp-query')) throw new BackendError("webgpu: timing needs a device with the 'timestamp-query' feature");
    this.#querySet = device.createQuerySet({ type: 'timestamp', count: 2 * MAX_PASSES, label: 'recur:timestamps' });
    this.#resolved = device.createBuffer({ size: 16 * MAX_PASSES, usage: QUERY_RESOLVE | BufferUsage.COPY_SRC, label: 'recur:timestamps' });
  }

  start(): void {
    this.#used = 0;
    this.#resolvedUpTo = 0;
    this.#untimed = 0;
    this.running = true;
  }

  /** The descriptor of the next compute pass: with timestamp writes while running and room is left. */
  passDescriptor(): GPUComputePassDescriptor | undefined {
    if (!this.running) return undefined;
    if (this.#used + 2 > 2 * MAX_PASSES) {
      this.#untimed++;
      return undefined;
    }
    const at = this.#used;
    this.#used += 2;
    return { timestampWrites: { querySet: this.#querySet, beginningOfPassWriteIndex: at, endOfPassWriteIndex: at + 1 } };
  }

  /** Before an encoder is finished: resolve the pairs its passes wrote. */
  resolve(encoder: GPUCommandEncoder): void {
    const count = this.#used - this.#resolvedUpTo;
    if (count === 0) return;
    encoder.resolveQuerySet(this.#querySet, this.#resolvedUpTo, count, this.#resolved, this.#resolvedUpTo * 8);
    this.#resolvedUpTo = this.#used;
  }

  /** After the caller's last flush: stop timing and sum the passes. */
  async stop(): Promise<PassTiming> {
    this.running = false;
    const bytes = this.#resolvedUpTo * 8;
    if (bytes === 0) return { nanoseconds: 0, passes: 0, untimed: this.#untimed };
    const staging = this.device.createBuffer({
      size: bytes,
      usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
      label: 'recur:timestamps',
    });
    const encoder = this.device.createCommandEncoder({ label: 'recur:timestamps' });
    encoder.copyBufferToBuffer(this.#resolved, 0, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MapMode.READ);
    const stamps = new BigUint64Array(staging.getMappedRange().slice(0));
    staging.destroy();
    let total = 0n;
    for (let k = 0; k + 1 < stamps.length; k += 2) {
      // Some GPUs report an end before its begin across a clock change; such a pass counts as 0.
      const span = stamps[k + 1]! - stamps[k]!;
      if (span > 0n) total += span;
    }
    return { nanoseconds: Number(total), passes: stamps.length / 2, untimed: this.#untimed };
  }

  destroy(): void {
    this.#querySet.destroy();
    this.#resolved.destroy();
  }
}
