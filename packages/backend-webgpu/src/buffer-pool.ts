// GPUBuffers recycled by size: a request is rounded up to a power-of-two bucket (16 bytes at
// least) and served from that bucket's free list before a new buffer is created, so a training
// loop that frees and reallocates the same shapes creates no new GPU memory after its first step.

/** The bucket a request of `bytes` is served from; exact (4-aligned) when a power of two would pass `limit`. */
export function bucketBytes(bytes: number, limit: number): number {
  const floor = Math.max(16, bytes);
  const power = 2 ** Math.ceil(Math.log2(floor));
  if (power <= limit) return power;
  // Near the device limit a doubled buffer would not fit; keep such buffers at their own size
  // (storage bindings need a multiple of 4, and limits are multiples of 4).
  return Math.ceil(floor / 4) * 4;
}

export interface PoolStats {
  /** GPUBuffers alive (in use or pooled). */
  readonly buffers: number;
  readonly bytes: number;
  /** Of those, the ones waiting in the pool for reuse. */
  readonly pooledBuffers: number;
  readonly pooledBytes: number;
}

/** A free list per bucket size of one usage (storage or staging). */
export class BufferPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  #buffers = 0;
  #bytes = 0;
  #pooledBuffers = 0;
  #pooledBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly label: string,
    /** Pooled bytes beyond this are destroyed rather than kept. */
    private readonly maxPooledBytes: number,
  ) {}

  /** A buffer of exactly `size` bytes (a bucket size); `fresh` tells whether it is newly created (zeroed). */
  acquire(size: number): { buffer: GPUBuffer; fresh: boolean } {
    const list = this.#free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.#pooledBuffers--;
      this.#pooledBytes -= size;
      return { buffer: reused, fresh: false };
    }
    const buffer = this.device.createBuffer({ size, usage: this.usage, label: `${this.label}:${size}` });
    this.#buffers++;
    this.#bytes += size;
    return { buffer, fresh: true };
  }

  /**
   * Take a buffer back. Returns the buffers to destroy (the pool is full); the caller destroys
   * them once no unsubmitted command refers to them.
   */
  release(buffer: GPUBuffer): GPUBuffer[] {
    const size = buffer.size;
    if (this.#pooledBytes + size > this.maxPooledBytes) {
      this.#buffers--;
      this.#bytes -= size;
      return [buffer];
    }
    let list = this.#free.get(size);
    if (!list) {
      list = [];
      this.#free.set(size, list);
    }
    list.push(buffer);
    this.#pooledBuffers++;
    this.#pooledBytes += size;
    return [];
  }

  /** Stop counting a buffer that is in use but will never come back (its caller destroys it). */
  discard(buffer: GPUBuffer): void {
    this.#buffers--;
    this.#bytes -= buffer.size;
  }

  stats(): PoolStats {
    return { buffers: this.#buffers, bytes: this.#bytes, pooledBuffers: this.#pooledBuffers, pooledBytes: this.#pooledBytes };
  }

  /** Every pooled buffer, for destruction at dispose; the pool is empty afterwards. */
  drain(): GPUBuffer[] {
    const all = [...this.#free.values()].flat();
    this.#free.clear();
    this.#buffers -= all.length;
    this.#bytes -= this.#pooledBytes;
    this.#pooledBuffers = 0;
    this.#pooledBytes = 0;
    return all;
  }
}
