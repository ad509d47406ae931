// Recur buffers over tfjs tensors. tfjs tensors are immutable, so a buffer is a mutable slot
// holding one flat (1-D) tensor of its size; a kernel writing into it swaps in a new tensor and
// disposes the old one at once, so tfjs memory follows Recur's alloc/free deterministically.

import {
  BYTES_PER_ELEMENT,
  BackendError,
  IndexError,
  ValueError,
  dtypeOfArray,
  typedArrayFor,
  type AnyTypedArray,
  type BackendBuffer,
  type BackendMemoryInfo,
  type DType,
} from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';

/** A buffer of the tfjs backend: a slot holding the current flat tensor of its elements. */
export interface TfjsBuffer extends BackendBuffer {
  /** The current contents, shape [size]; replaced (and the old one disposed) by every write. */
  tensor: tf.Tensor;
  freed: boolean;
}

export class TfjsMemory {
  private readonly live = new Set<TfjsBuffer>();
  private bytes = 0;

  constructor(private readonly backendName: string) {}

  alloc(size: number, dtype: DType): TfjsBuffer {
    if (!Number.isInteger(size) || size < 0) throw new ValueError(`alloc: size must be an integer ≥ 0; got ${size}`);
    if (BYTES_PER_ELEMENT[dtype] === undefined) throw new ValueError(`alloc: unknown dtype '${String(dtype)}'`);
    const buffer: TfjsBuffer = { backend: this.backendName, size, dtype, tensor: tf.zeros([size], dtype), freed: false };
    this.live.add(buffer);
    this.bytes += size * BYTES_PER_ELEMENT[dtype];
    return buffer;
  }

  /** `buffer` after checking it is a live buffer of this backend. */
  own(buffer: TfjsBuffer, op: string): TfjsBuffer {
    if (buffer.freed) throw new BackendError(`${op}: buffer was freed`);
    if (!this.live.has(buffer))
      throw new BackendError(`${op}: buffer belongs to backend '${buffer.backend}', not this '${this.backendName}' instance`);
    return buffer;
  }

  free(buffer: TfjsBuffer): void {
    this.own(buffer, 'free');
    buffer.freed = true;
    buffer.tensor.dispose();
    this.live.delete(buffer);
    this.bytes -= buffer.size * BYTES_PER_ELEMENT[buffer.dtype];
  }

  /** Swaps in `next` (shape [size], the buffer's dtype) and disposes the previous contents. */
  replace(buffer: TfjsBuffer, next: tf.Tensor): void {
    if (next === buffer.tensor) return;
    buffer.tensor.dispose();
    buffer.tensor = next;
  }

  write(buffer: TfjsBuffer, data: AnyTypedArray, offset = 0): void {
    this.own(buffer, 'write');
    if (dtypeOfArray(data) !== buffer.dtype) {
      throw new ValueError(`write: a ${data.constructor.name} cannot be written into a ${buffer.dtype} buffer`);
    }
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > buffer.size) {
      throw new IndexError(`write: ${data.length} elements at offset ${offset} do not fit a buffer of ${buffer.size}`);
    }
    if (data.length === 0) return;
    // tfjs keeps a reference to the array it is given; a copy keeps later host edits out.
    const fresh = tf.tensor1d(data.slice(), buffer.dtype);
    if (data.length === buffer.size) {
      this.replace(buffer, fresh);
      return;
    }
    const old = buffer.tensor;
    const next = tf.tidy(() => {
      const pieces = [tf.slice(old, 0, offset), fresh, tf.slice(old, offset + data.length)].filter((piece) => piece.size > 0);
      return tf.concat(pieces);
    });
    fresh.dispose();
    this.replace(buffer, next);
  }

  /** The element range [offset, offset + size) after checking it lies inside the buffer. */
  range(op: string, buffer: TfjsBuffer, offset = 0, size = buffer.size - offset): [number, number] {
    this.own(buffer, op);
    if (!Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size < 0 || offset + size > buffer.size) {
      throw new IndexError(`${op}: ${size} elements at offset ${offset} outside a buffer of ${buffer.size}`);
    }
    return [offset, size];
  }

  /** A fresh array of the buffer's dtype with elements [offset, offset + size) of `values`. */
  static extract(dtype: DType, values: ArrayLike<number>, offset: number, size: number): AnyTypedArray {
    const out = typedArrayFor(dtype, size);
    for (let i = 0; i < size; i++) out[i] = values[offset + i]!;
    return out;
  }

  memory(): BackendMemoryInfo {
    return { numBuffers: this.live.size, numBytes: this.bytes };
  }

  dispose(): void {
    for (const buffer of this.live) {
      buffer.freed = true;
      buffer.tensor.dispose();
    }
    this.live.clear();
    this.bytes = 0;
  }
}
