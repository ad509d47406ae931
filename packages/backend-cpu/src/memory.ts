// Host memory of the CPU backend: buffers are typed arrays owned by one backend instance, which
// counts them and checks every use, so a freed or foreign buffer is caught with the op's name.
// Each buffer has a version that every possible write bumps (any access but a kernel's declared
// read-only one), so caches of a buffer's contents (packed-cache.ts) know when they are stale.

import {
  BYTES_PER_ELEMENT,
  BackendError,
  DTypeError,
  IndexError,
  ValueError,
  dtypeOfArray,
  typedArrayFor,
  type AnyTypedArray,
  type BackendBuffer,
  type BackendMemoryInfo,
  type DType,
} from '@recur/backend';

/** A CPU buffer: its elements live in `data`, a typed array of the buffer's dtype. */
export interface CpuBuffer extends BackendBuffer {
  readonly backend: 'cpu';
  /** The elements; reading it after `free` throws. Whoever takes them may write them: taking them bumps `version`. */
  readonly data: AnyTypedArray;
  /** Changes whenever the elements may have changed (a kernel's output, `write`, taking `data`). */
  readonly version: number;
}

class CpuBufferImpl implements CpuBuffer {
  readonly backend = 'cpu' as const;
  readonly size: number;
  readonly dtype: DType;
  // Dropped on free so a stale handle held by the core does not keep the memory alive.
  #data: AnyTypedArray | null;
  #version = 0;

  constructor(dtype: DType, size: number) {
    this.size = size;
    this.dtype = dtype;
    this.#data = typedArrayFor(dtype, size);
  }

  get data(): AnyTypedArray {
    this.#version++;
    return this.elements();
  }

  get version(): number {
    return this.#version;
  }

  /** The elements without counting a write: only for accesses that never write them. */
  elements(): AnyTypedArray {
    if (this.#data === null) throw new BackendError('cpu buffer: used after free');
    return this.#data;
  }

  get freed(): boolean {
    return this.#data === null;
  }

  release(): void {
    this.#version++;
    this.#data = null;
  }
}

function isNonNegativeInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

/** The buffers of one backend instance. */
export class CpuMemory {
  readonly #live = new Set<CpuBufferImpl>();
  #bytes = 0;
  #disposed = false;

  alloc(size: number, dtype: DType): CpuBuffer {
    this.#checkUsable('alloc');
    if (!isNonNegativeInteger(size)) throw new ValueError(`alloc: size must be a non-negative integer, got ${size}`);
    if (BYTES_PER_ELEMENT[dtype] === undefined) throw new DTypeError(`alloc: unknown dtype ${String(dtype)}`);
    const buffer = new CpuBufferImpl(dtype, size);
    this.#live.add(buffer);
    this.#bytes += size * BYTES_PER_ELEMENT[dtype];
    return buffer;
  }

  free(buffer: CpuBuffer): void {
    const live = this.#own(buffer, 'free');
    this.#live.delete(live);
    this.#bytes -= live.size * BYTES_PER_ELEMENT[live.dtype];
    live.release();
  }

  /**
   * The typed array behind a buffer that must be live on this backend; `op` names the caller.
   * Counts as a write (bumps the version): kernels that only read an operand use `readArray`.
   */
  array(buffer: CpuBuffer, op: string): AnyTypedArray {
    return this.#own(buffer, op).data;
  }

  /** As `array`, for an operand the caller only reads: the buffer's version stays. */
  readArray(buffer: CpuBuffer, op: string): AnyTypedArray {
    return this.#own(buffer, op).elements();
  }

  /** Whether `buffer` is a live buffer of this backend. */
  owns(buffer: CpuBuffer): boolean {
    return this.#live.has(buffer as CpuBufferImpl);
  }

  write(buffer: CpuBuffer, data: AnyTypedArray, offset = 0): void {
    const target = this.array(buffer, 'write');
    const dtype = dtypeOfArray(data);
    if (dtype !== buffer.dtype) {
      throw new DTypeError(`write: data is ${dtype ?? 'not a typed array'}, buffer is ${buffer.dtype}`);
    }
    if (!isNonNegativeInteger(offset) || offset + data.length > buffer.size) {
      throw new IndexError(`write: elements [${offset}, ${offset + data.length}) outside buffer of ${buffer.size}`);
    }
    target.set(data, offset);
  }

  readSync(buffer: CpuBuffer, offset = 0, size?: number): AnyTypedArray {
    const source = this.readArray(buffer, 'read');
    const count = size ?? buffer.size - offset;
    if (!isNonNegativeInteger(offset) || !isNonNegativeInteger(count) || offset + count > buffer.size) {
      throw new IndexError(`read: elements [${offset}, ${offset + count}) outside buffer of ${buffer.size}`);
    }
    return source.slice(offset, offset + count);
  }

  memory(): BackendMemoryInfo {
    return { numBuffers: this.#live.size, numBytes: this.#bytes };
  }

  dispose(): void {
    for (const buffer of this.#live) buffer.release();
    this.#live.clear();
    this.#bytes = 0;
    this.#disposed = true;
  }

  #checkUsable(op: string): void {
    if (this.#disposed) throw new BackendError(`${op}: the cpu backend was disposed`);
  }

  #own(buffer: CpuBuffer, op: string): CpuBufferImpl {
    if (this.#live.has(buffer as CpuBufferImpl)) return buffer as CpuBufferImpl;
    this.#checkUsable(op);
    if (buffer instanceof CpuBufferImpl && buffer.freed) throw new BackendError(`${op}: buffer was freed`);
    throw new BackendError(`${op}: buffer does not belong to this cpu backend (backend '${String(buffer?.backend)}')`);
  }
}
