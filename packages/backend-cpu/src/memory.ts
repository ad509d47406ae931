// Memory of the CPU backend: buffers are typed arrays owned by one backend instance, which counts
// them and checks every use, so a freed or foreign buffer is caught with the op's name. Each buffer
// has a version that every possible write bumps (any access but a kernel's declared read-only one),
// so caches of a buffer's contents (packed-cache.ts) know when they are stale.
//
// Resident buffers: with a wasm runtime over a shared memory, a buffer's elements live in a block of
// that memory (wasm-allocator.ts) and `data` is a view of it, so wasm kernels run on them in place.
// `residentOffset(buffer)` is the one way for a kernel to get that address: the byte offset of
// element 0 in `context.wasm()`'s memory, or null for a buffer in a host array (then stage it).
// `residentBytes(buffer)` says how far vector stores may run (the block is rounded up to 32 bytes).
// Views of a shared memory (SharedArrayBuffer) stay valid when it grows, so a view taken once per
// buffer is never stale. Where the runtime is unshared (its views detach on growth), missing, or
// the block cannot be had (wasm32's 4 GiB, RESIDENT_LIMIT_BYTES), the buffer is a host array.

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
import { GRAIN } from './wasm-allocator.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** A CPU buffer: its elements live in `data`, a typed array of the buffer's dtype. */
export interface CpuBuffer extends BackendBuffer {
  readonly backend: 'cpu';
  /** The elements; reading it after `free` throws. Whoever takes them may write them: taking them bumps `version`. */
  readonly data: AnyTypedArray;
  /** Changes whenever the elements may have changed (a kernel's output, `write`, taking `data`). */
  readonly version: number;
}

/** Where a resident buffer's elements live: a block of `runtime`'s memory at byte `offset`. */
interface Block {
  readonly runtime: WasmRuntime;
  readonly offset: number;
}

class CpuBufferImpl implements CpuBuffer {
  readonly backend = 'cpu' as const;
  readonly size: number;
  readonly dtype: DType;
  // Dropped on free so a stale handle held by the core does not keep the memory alive.
  #data: AnyTypedArray | null;
  #block: Block | null;
  #version = 0;

  constructor(dtype: DType, size: number, block: Block | null) {
    this.size = size;
    this.dtype = dtype;
    this.#block = block;
    this.#data = block ? residentView(block, dtype, size) : typedArrayFor(dtype, size);
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

  /** The block holding the elements, or null for a host array (or after free). */
  get block(): Block | null {
    return this.#block;
  }

  /** Drops the elements; `returnBlock` hands a resident block back (false when its memory is gone). */
  release(returnBlock: boolean): void {
    this.#version++;
    this.#data = null;
    if (this.#block && returnBlock) this.#block.runtime.release(this.#block.offset);
    this.#block = null;
  }
}

/** A zeroed view of `size` elements over `block` (blocks are reused, so it is cleared here). */
function residentView(block: Block, dtype: DType, size: number): AnyTypedArray {
  const { runtime, offset } = block;
  // The whole block, in wasm: a `fill` on a shared memory's view is several times slower.
  runtime.kernels.zeroGrains(offset, runtime.blockBytes(offset)! / GRAIN);
  const buffer = runtime.memory.buffer;
  const view =
    dtype === 'float32'
      ? new Float32Array(buffer, offset, size)
      : dtype === 'int32'
        ? new Int32Array(buffer, offset, size)
        : new Uint8Array(buffer, offset, size);
  // Typed as the host arrays are: the kernels read and write both alike (only `readSync`'s copies leave).
  return view as AnyTypedArray;
}

/**
 * The byte offset of `buffer`'s element 0 in its backend's wasm memory (`context.wasm()`), or
 * null when its elements are a host array (or it was freed). Valid until the buffer is freed.
 */
export function residentOffset(buffer: CpuBuffer): number | null {
  return buffer instanceof CpuBufferImpl ? (buffer.block?.offset ?? null) : null;
}

/** Bytes of `buffer`'s block (≥ its elements' bytes, a multiple of 32), or 0 for a host array. */
export function residentBytes(buffer: CpuBuffer): number {
  const block = buffer instanceof CpuBufferImpl ? buffer.block : null;
  return block ? (block.runtime.blockBytes(block.offset) ?? 0) : 0;
}

/** Resident buffers of one backend take at most this much wasm memory; later ones are host arrays. */
const RESIDENT_LIMIT_BYTES = 2 ** 30;

function isNonNegativeInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

/** The buffers of one backend instance. */
export class CpuMemory {
  readonly #live = new Set<CpuBufferImpl>();
  readonly #wasm: () => WasmRuntime | null;
  readonly #limit: number;
  #bytes = 0;
  #disposed = false;

  /**
   * `wasm`: the backend's runtime, whose memory holds the buffers when it is shared (none: all
   * buffers are host arrays); `limitBytes`: how much of it they may take.
   */
  constructor(wasm: () => WasmRuntime | null = () => null, limitBytes = RESIDENT_LIMIT_BYTES) {
    this.#wasm = wasm;
    this.#limit = limitBytes;
  }

  alloc(size: number, dtype: DType): CpuBuffer {
    this.#checkUsable('alloc');
    if (!isNonNegativeInteger(size)) throw new ValueError(`alloc: size must be a non-negative integer, got ${size}`);
    if (BYTES_PER_ELEMENT[dtype] === undefined) throw new DTypeError(`alloc: unknown dtype ${String(dtype)}`);
    const buffer = new CpuBufferImpl(dtype, size, this.#block(size * BYTES_PER_ELEMENT[dtype]));
    this.#live.add(buffer);
    this.#bytes += size * BYTES_PER_ELEMENT[dtype];
    return buffer;
  }

  free(buffer: CpuBuffer): void {
    const live = this.#own(buffer, 'free');
    this.#live.delete(live);
    this.#bytes -= live.size * BYTES_PER_ELEMENT[live.dtype];
    live.release(true);
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
    // The runtime goes with the backend: its blocks need not be returned one by one.
    for (const buffer of this.#live) buffer.release(false);
    this.#live.clear();
    this.#bytes = 0;
    this.#disposed = true;
  }

  /** A block for `bytes` of elements in the shared wasm memory, or null for a host array. */
  #block(bytes: number): Block | null {
    if (bytes === 0) return null;
    const runtime = this.#wasm();
    if (!runtime?.shared || runtime.blockBytesInUse + bytes > this.#limit) return null;
    const offset = runtime.allocate(bytes);
    return offset === null ? null : { runtime, offset };
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
