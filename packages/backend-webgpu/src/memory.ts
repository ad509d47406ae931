// GPU memory of one backend instance. Storage layout: every dtype takes 4 bytes per element on
// the GPU: float32 as f32, int32 as i32, bool as a u32 holding 0 or 1 (WGSL has no 8-bit storage
// type); `write` widens bool bytes to u32 and `read` narrows them back into a Uint8Array.

import {
  BackendError,
  DTypeError,
  IndexError,
  ValueError,
  dtypeOfArray,
  isDType,
  typedArrayFor,
  type AnyTypedArray,
  type BackendBuffer,
  type BackendMemoryInfo,
  type DType,
} from '@recur/backend';
import { BufferPool, bucketBytes, type PoolStats } from './buffer-pool.js';
import type { CommandQueue } from './command-queue.js';
import type { DeviceHealth } from './device-health.js';
import { BufferUsage, MapMode } from './gpu-flags.js';
import { INDEX_CHECK_BYTES, IndexCheck } from './index-check.js';

/** Bytes per element on the GPU, for every dtype (bool is widened to u32). */
export const GPU_BYTES_PER_ELEMENT = 4;

/** A buffer of the webgpu backend; `size` counts elements. */
export interface WebGPUBuffer extends BackendBuffer {
  readonly backend: 'webgpu';
}

class Handle implements WebGPUBuffer {
  readonly backend = 'webgpu' as const;
  /** Bumped by every write (`write`, a kernel binding it for writing): caches of converted contents key on it. */
  version = 0;
  #gpu: GPUBuffer | null;

  constructor(
    readonly size: number,
    readonly dtype: DType,
    gpu: GPUBuffer,
    /** A recycled GPUBuffer still holds old data: zero it before its first use. */
    public needsZero: boolean,
  ) {
    this.#gpu = gpu;
  }

  get gpu(): GPUBuffer {
    if (this.#gpu === null) throw new BackendError('webgpu buffer: used after free');
    return this.#gpu;
  }

  get freed(): boolean {
    return this.#gpu === null;
  }

  release(): GPUBuffer {
    const gpu = this.gpu;
    this.#gpu = null;
    return gpu;
  }
}

export interface MemoryLimits {
  /** Largest buffer a kernel can bind whole: min(maxStorageBufferBindingSize, maxBufferSize). */
  readonly maxBufferBytes: number;
  /** Bytes of freed buffers kept for reuse. */
  readonly maxPooledBytes: number;
}

export class GpuMemory {
  readonly #live = new Set<Handle>();
  readonly #freeListeners: ((buffer: WebGPUBuffer) => void)[] = [];
  #bytes = 0;
  readonly #storage: BufferPool;
  readonly #staging: BufferPool;
  /** Out-of-range gather/scatterAdd indices found on the GPU, raised by the next read. */
  readonly indexCheck: IndexCheck;

  constructor(
    private readonly device: GPUDevice,
    private readonly queue: CommandQueue,
    private readonly health: DeviceHealth,
    readonly limits: MemoryLimits,
  ) {
    const storageUsage = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
    this.#storage = new BufferPool(device, storageUsage, 'recur:storage', limits.maxPooledBytes);
    this.#staging = new BufferPool(device, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'recur:staging', limits.maxPooledBytes);
    this.indexCheck = new IndexCheck(device);
  }

  alloc(size: number, dtype: DType): WebGPUBuffer {
    this.health.check('alloc');
    if (!Number.isInteger(size) || size < 0) throw new ValueError(`alloc: size must be a non-negative integer, got ${size}`);
    if (!isDType(dtype)) throw new DTypeError(`alloc: unknown dtype ${String(dtype)}`);
    const bytes = size * GPU_BYTES_PER_ELEMENT;
    if (bytes > this.limits.maxBufferBytes) {
      throw new BackendError(
        `alloc: ${size} ${dtype} elements need ${bytes} bytes, beyond this device's limit of ${this.limits.maxBufferBytes} ` +
          `bytes per buffer (maxStorageBufferBindingSize/maxBufferSize; kernels bind whole buffers); split the tensor`,
      );
    }
    const { buffer, fresh } = this.#storage.acquire(bucketBytes(bytes, this.limits.maxBufferBytes));
    const handle = new Handle(size, dtype, buffer, !fresh);
    this.#live.add(handle);
    this.#bytes += bytes;
    return handle;
  }

  /** Call `listener` with every buffer as it is freed (a cache keyed on buffers drops its entry). */
  onFree(listener: (buffer: WebGPUBuffer) => void): void {
    this.#freeListeners.push(listener);
  }

  free(buffer: WebGPUBuffer): void {
    const handle = this.own(buffer, 'free');
    for (const listener of this.#freeListeners) listener(handle);
    this.#live.delete(handle);
    this.#bytes -= handle.size * GPU_BYTES_PER_ELEMENT;
    this.queue.destroyLater(this.#storage.release(handle.release()));
  }

  /** The live handle behind `buffer`, or a BackendError naming `op`. */
  own(buffer: WebGPUBuffer, op: string): Handle {
    if (this.#live.has(buffer as Handle)) return buffer as Handle;
    this.health.check(op);
    if (buffer instanceof Handle && buffer.freed) throw new BackendError(`${op}: buffer was freed`);
    throw new BackendError(`${op}: buffer does not belong to this webgpu backend (backend '${String(buffer?.backend)}')`);
  }

  /**
   * The GPUBuffer of a live handle, zeroed first if it was recycled and never written, unless
   * the coming use `overwrite`s every element.
   */
  prepare(handle: Handle, overwrite = false): GPUBuffer {
    if (handle.needsZero && !overwrite) this.queue.clear(handle.gpu);
    handle.needsZero = false;
    return handle.gpu;
  }

  write(buffer: WebGPUBuffer, data: AnyTypedArray, offset = 0): void {
    this.health.check('write');
    const handle = this.own(buffer, 'write');
    const dtype = dtypeOfArray(data);
    if (dtype !== buffer.dtype) throw new DTypeError(`write: data is ${dtype ?? 'not a typed array'}, buffer is ${buffer.dtype}`);
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > buffer.size) {
      throw new IndexError(`write: elements [${offset}, ${offset + data.length}) outside buffer of ${buffer.size}`);
    }
    if (data.length === 0) return;
    handle.version++;
    const gpu = this.prepare(handle, offset === 0 && data.length === buffer.size);
    const words = dtype === 'bool' ? Uint32Array.from(data) : data;
    const byteOffset = offset * GPU_BYTES_PER_ELEMENT;
    // queue.writeBuffer runs before every unsubmitted command. When one of them uses this buffer
    // (possibly under an earlier owner: buffers are recycled), the write must come after them:
    // small writes are recorded in order through the upload arena, large ones flush first.
    if (this.queue.uses(gpu)) {
      if (this.queue.upload(gpu, byteOffset, words)) return;
      this.queue.flush();
    }
    this.device.queue.writeBuffer(gpu, byteOffset, words);
  }

  async read(buffer: WebGPUBuffer, offset = 0, size?: number): Promise<AnyTypedArray> {
    this.health.check('read');
    const handle = this.own(buffer, 'read');
    const count = size ?? buffer.size - offset;
    if (!Number.isInteger(offset) || !Number.isInteger(count) || offset < 0 || count < 0 || offset + count > buffer.size) {
      throw new IndexError(`read: elements [${offset}, ${offset + count}) outside buffer of ${buffer.size}`);
    }
    if (count === 0) return typedArrayFor(buffer.dtype, 0);
    const bytes = count * GPU_BYTES_PER_ELEMENT;
    const source = this.prepare(handle);
    const copy = await this.#readBack(source, offset * GPU_BYTES_PER_ELEMENT, bytes);
    this.health.check('read');
    switch (buffer.dtype) {
      case 'float32':
        return new Float32Array(copy);
      case 'int32':
        return new Int32Array(copy);
      case 'bool':
        return Uint8Array.from(new Uint32Array(copy));
    }
  }

  /**
   * Copy `bytes` from `source` to the host through a staging buffer, with the index-check flags
   * when a gather/scatterAdd ran since the last read: a flagged index raises its IndexError
   * here, and the data read alongside is withheld.
   */
  async #readBack(source: GPUBuffer, sourceOffset: number, bytes: number): Promise<ArrayBuffer> {
    const staging = this.#staging.acquire(bucketBytes(bytes, this.limits.maxBufferBytes)).buffer;
    this.queue.copy(source, sourceOffset, staging, 0, bytes);
    let flags: GPUBuffer | null = null;
    if (this.indexCheck.pending) {
      flags = this.#staging.acquire(bucketBytes(INDEX_CHECK_BYTES, this.limits.maxBufferBytes)).buffer;
      this.indexCheck.recordCopy(this.queue, flags, 0);
    }
    this.queue.flush();
    const [copy, words] = await Promise.all([
      this.#mapped(staging, bytes),
      flags ? this.#mapped(flags, INDEX_CHECK_BYTES) : Promise.resolve(null),
    ]);
    if (words) this.indexCheck.raiseIfSet(new Uint32Array(words));
    return copy;
  }

  /** The first `bytes` of a staging buffer once mapped; the buffer goes back to the pool. */
  async #mapped(staging: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    let copy: ArrayBuffer;
    try {
      await this.health.guard('read', staging.mapAsync(MapMode.READ, 0, bytes), () => staging.unmap());
      copy = staging.getMappedRange(0, bytes).slice(0);
      staging.unmap();
    } catch (error) {
      // A staging buffer whose mapping failed is in an unknown state: never reuse it.
      this.#staging.discard(staging);
      staging.destroy();
      throw error;
    }
    // After dispose the pools are drained for good; a late staging buffer is simply destroyed.
    if (this.health.disposed) staging.destroy();
    else this.queue.destroyLater(this.#staging.release(staging));
    return copy;
  }

  memory(): BackendMemoryInfo {
    return { numBuffers: this.#live.size, numBytes: this.#bytes };
  }

  /** GPUBuffers behind the storage pool (live and pooled) and the staging pool. */
  poolStats(): { storage: PoolStats; staging: PoolStats } {
    return { storage: this.#storage.stats(), staging: this.#staging.stats() };
  }

  /**
   * Forget every buffer now; returns the function that destroys their GPUBuffers, for the
   * caller to run once the queue is idle.
   */
  dispose(): () => void {
    const gpuBuffers = [...this.#live].map((handle) => handle.release());
    this.#live.clear();
    this.#bytes = 0;
    gpuBuffers.push(...this.#storage.drain(), ...this.#staging.drain(), this.indexCheck.buffer);
    return () => {
      for (const gpu of gpuBuffers) gpu.destroy();
    };
  }
}

export type { Handle as GpuBufferHandle };
