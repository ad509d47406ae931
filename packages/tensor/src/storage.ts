// Refcounted backend memory. Many tensors (views) share one Storage; the buffer is freed when
// the last view releases it, so `dispose()` frees memory deterministically.

import { BYTES_PER_ELEMENT, DisposedError, type BackendBuffer, type BackendV1, type DType } from '@recur/backend';
import { backendKey } from './registry.js';

export class Storage {
  private refs = 1;
  readonly bytes: number;
  /** The backend's registry key (its `name` if unregistered), fixed here so counts add and remove under one key. */
  readonly key: string;

  constructor(
    readonly backend: BackendV1,
    readonly buffer: BackendBuffer,
    readonly dtype: DType,
    readonly size: number,
  ) {
    this.bytes = size * BYTES_PER_ELEMENT[dtype];
    this.key = backendKey(backend);
    storageStats.add(this.key, this.bytes);
  }

  get alive(): boolean {
    return this.refs > 0;
  }

  /** True when exactly one tensor handle uses this memory. */
  get soleOwner(): boolean {
    return this.refs === 1;
  }

  retain(): this {
    if (this.refs <= 0) throw new DisposedError('storage: retained after its memory was freed');
    this.refs++;
    return this;
  }

  release(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0) {
      this.backend.free(this.buffer);
      storageStats.remove(this.key, this.bytes);
    }
  }
}

/** Live storage count and bytes per backend key (for `memory()`). */
export const storageStats = {
  perBackend: new Map<string, { numBuffers: number; numBytes: number }>(),
  add(name: string, bytes: number): void {
    const entry = this.perBackend.get(name) ?? { numBuffers: 0, numBytes: 0 };
    entry.numBuffers++;
    entry.numBytes += bytes;
    this.perBackend.set(name, entry);
  },
  remove(name: string, bytes: number): void {
    const entry = this.perBackend.get(name)!;
    entry.numBuffers--;
    entry.numBytes -= bytes;
  },
};
