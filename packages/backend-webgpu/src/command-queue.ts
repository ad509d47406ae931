// Batches GPU work: every dispatch, clear and copy is recorded into one command encoder (one
// compute pass while dispatches follow each other) and submitted on flush. Each dispatch's params
// occupy a 256-byte-aligned slot of one uniform arena, uploaded with a single writeBuffer per
// flush and bound with a dynamic offset, so bind groups depend on the buffers only and are cached.

import { planGrid } from './dispatch-grid.js';
import { BufferUsage } from './gpu-flags.js';
import type { PassTimer } from './pass-timer.js';

/** Uniform-buffer offsets must be multiples of minUniformBufferOffsetAlignment (256 on every device). */
const SLOT_ALIGN = 256;
/** 1024 default-sized slots; a full arena flushes, which also keeps long queues moving. */
const ARENA_BYTES = 256 * 1024;
/** Words 0 and 1 of every params block: the first workgroup of the dispatch and the end of the range. */
export const GRID_WORDS = 2;
/** Host writes up to this size into buffers in use by unsubmitted commands go through the upload arena. */
const UPLOAD_MAX_BYTES = 64 * 1024;
const UPLOAD_ARENA_BYTES = 256 * 1024;
/** Cached bind groups beyond this are dropped wholesale (stale ones name destroyed buffers). */
const MAX_BIND_GROUPS = 4096;

export class CommandQueue {
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  readonly #arena: GPUBuffer;
  readonly #host = new Uint32Array(ARENA_BYTES / 4);
  #used = 0;
  readonly #uploads: GPUBuffer;
  readonly #uploadHost = new Uint8Array(UPLOAD_ARENA_BYTES);
  #uploaded = 0;
  #destroyAfterSubmit: GPUBuffer[] = [];
  #dispatches = 0;
  #submits = 0;
  #pipeline: GPUComputePipeline | null = null;
  /** Buffers the unsubmitted commands use: a host write to one of them must wait for a flush. */
  readonly #pendingBuffers = new Set<GPUBuffer>();
  readonly #bindGroups = new Map<string, GPUBindGroup>();
  readonly #ids = new WeakMap<object, number>();
  #nextId = 0;
  /** Profiling only: times every compute pass while it runs (pass-timer.ts). */
  timer: PassTimer | null = null;

  constructor(
    readonly device: GPUDevice,
    /** maxComputeWorkgroupsPerDimension the grids are planned with (possibly lowered by options). */
    readonly maxWorkgroupsPerDimension: number,
  ) {
    this.#arena = device.createBuffer({ size: ARENA_BYTES, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST, label: 'recur:params' });
    this.#uploads = device.createBuffer({
      size: UPLOAD_ARENA_BYTES,
      usage: BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
      label: 'recur:uploads',
    });
  }

  /** Whether an unsubmitted command uses `buffer`. */
  uses(buffer: GPUBuffer): boolean {
    return this.#pendingBuffers.has(buffer);
  }

  /** Dispatches and submits so far (for tests and benchmarks). */
  get counts(): { dispatches: number; submits: number } {
    return { dispatches: this.#dispatches, submits: this.#submits };
  }

  /**
   * Record `groups` workgroups of `pipeline`. `params` are the kernel's words (word 2 on); the
   * grid words are prepended per chunk. Zero groups record nothing.
   */
  dispatch(
    pipeline: GPUComputePipeline,
    layout: GPUBindGroupLayout,
    storage: readonly GPUBuffer[],
    params: ArrayLike<number>,
    groups: number,
  ): void {
    const words = GRID_WORDS + params.length;
    const bindingBytes = Math.ceil(words / 4) * 16;
    const slotBytes = Math.ceil(bindingBytes / SLOT_ALIGN) * SLOT_ALIGN;
    if (slotBytes > ARENA_BYTES) throw new RangeError(`dispatch: ${words} param words exceed the arena`);
    for (const chunk of planGrid(groups, this.maxWorkgroupsPerDimension)) {
      if (this.#used + slotBytes > ARENA_BYTES) this.flush();
      // After the flush above: the buffers belong to the encoder this chunk is recorded into.
      for (const buffer of storage) this.#pendingBuffers.add(buffer);
      const at = this.#used / 4;
      this.#host[at] = chunk.base;
      this.#host[at + 1] = chunk.base + chunk.count;
      this.#host.set(params, at + GRID_WORDS);
      const bindGroup = this.#bindGroup(layout, storage, bindingBytes);
      const pass = this.#computePass();
      if (this.#pipeline !== pipeline) pass.setPipeline(pipeline);
      this.#pipeline = pipeline;
      pass.setBindGroup(0, bindGroup, [this.#used]);
      pass.dispatchWorkgroups(chunk.x, chunk.y);
      this.#used += slotBytes;
      this.#dispatches++;
    }
  }

  /** Zero a whole buffer, in order with the recorded work. */
  clear(buffer: GPUBuffer): void {
    this.#commands().clearBuffer(buffer);
    this.#pendingBuffers.add(buffer);
  }

  /** Copy bytes between buffers, in order with the recorded work. */
  copy(source: GPUBuffer, sourceOffset: number, target: GPUBuffer, targetOffset: number, bytes: number): void {
    this.#commands().copyBufferToBuffer(source, sourceOffset, target, targetOffset, bytes);
    this.#pendingBuffers.add(source);
    this.#pendingBuffers.add(target);
  }

  /**
   * Record a host → GPU copy in order with the recorded work: the bytes wait in the upload
   * arena, which the flush uploads with one writeBuffer before submitting. Returns false when
   * they do not fit (the caller then flushes and writes directly).
   */
  upload(target: GPUBuffer, targetOffset: number, data: ArrayBufferView): boolean {
    const bytes = data.byteLength;
    if (bytes > UPLOAD_MAX_BYTES) return false;
    if (this.#uploaded + bytes > UPLOAD_ARENA_BYTES) this.flush();
    this.#uploadHost.set(new Uint8Array(data.buffer, data.byteOffset, bytes), this.#uploaded);
    this.copy(this.#uploads, this.#uploaded, target, targetOffset, bytes);
    this.#uploaded += bytes;
    return true;
  }

  /** Destroy `buffers` once no unsubmitted command can refer to them. */
  destroyLater(buffers: readonly GPUBuffer[]): void {
    if (buffers.length === 0) return;
    if (this.#encoder === null) for (const buffer of buffers) buffer.destroy();
    else this.#destroyAfterSubmit.push(...buffers);
  }

  /** Submit everything recorded. The params upload is queued first, so it lands before the commands run. */
  flush(): void {
    const encoder = this.#encoder;
    if (encoder === null) return;
    this.#endPass();
    this.timer?.resolve(encoder);
    if (this.#used > 0) this.device.queue.writeBuffer(this.#arena, 0, this.#host, 0, this.#used / 4);
    if (this.#uploaded > 0) this.device.queue.writeBuffer(this.#uploads, 0, this.#uploadHost, 0, this.#uploaded);
    this.device.queue.submit([encoder.finish()]);
    this.#encoder = null;
    this.#used = 0;
    this.#uploaded = 0;
    this.#pendingBuffers.clear();
    this.#submits++;
    for (const buffer of this.#destroyAfterSubmit) buffer.destroy();
    this.#destroyAfterSubmit = [];
  }

  /** Drop recorded, unsubmitted work (dispose). */
  discard(): void {
    this.#endPass();
    this.#encoder = null;
    this.#used = 0;
    this.#uploaded = 0;
    this.#pendingBuffers.clear();
    this.#bindGroups.clear();
  }

  destroy(): void {
    this.discard();
    for (const buffer of this.#destroyAfterSubmit) buffer.destroy();
    this.#destroyAfterSubmit = [];
    this.#arena.destroy();
    this.#uploads.destroy();
  }

  #id(object: object): number {
    let id = this.#ids.get(object);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(object, id);
    }
    return id;
  }

  #bindGroup(layout: GPUBindGroupLayout, storage: readonly GPUBuffer[], paramBytes: number): GPUBindGroup {
    const key = `${this.#id(layout)}:${paramBytes}:${storage.map((buffer) => this.#id(buffer)).join(',')}`;
    let bindGroup = this.#bindGroups.get(key);
    if (!bindGroup) {
      if (this.#bindGroups.size >= MAX_BIND_GROUPS) this.#bindGroups.clear();
      const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.#arena, offset: 0, size: paramBytes } }];
      storage.forEach((buffer, k) => entries.push({ binding: k + 1, resource: { buffer } }));
      bindGroup = this.device.createBindGroup({ layout, entries });
      this.#bindGroups.set(key, bindGroup);
    }
    return bindGroup;
  }

  #commands(): GPUCommandEncoder {
    this.#endPass();
    this.#encoder ??= this.device.createCommandEncoder({ label: 'recur' });
    return this.#encoder;
  }

  #computePass(): GPUComputePassEncoder {
    if (this.#pass === null) this.#pass = this.#commands().beginComputePass(this.timer?.passDescriptor());
    return this.#pass;
  }

  #endPass(): void {
    if (this.#pass === null) return;
    this.#pass.end();
    this.#pass = null;
    this.#pipeline = null;
  }
}
