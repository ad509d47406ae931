// Host-built int32 index tensors for strided layouts tfjs cannot express as slice, reshape,
// transpose and broadcast: kept per layout (shape and strides relative to the view's lowest
// element), so a loop over time steps reuses one upload. Bounded; the oldest are disposed first.

import { sizeOf } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';

/** Entries kept; a layout is a few hundred bytes to a few MB, and RNN loops use a handful. */
const CAPACITY = 256;

/** Calls fn(k, p) for every element k (row-major) of a view, p its position from `start`. */
export function forEachPosition(
  shape: readonly number[],
  strides: readonly number[],
  start: number,
  fn: (k: number, p: number) => void,
): void {
  const n = sizeOf(shape);
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let p = start;
  for (let k = 0; k < n; k++) {
    fn(k, p);
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      p += strides[d]!;
      if (counter[d]! < shape[d]!) break;
      p -= strides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

export class IndexCache {
  private readonly entries = new Map<string, tf.Tensor>();

  /** The cached tensor for `key`, built by `build` (host int32 values) on a miss. */
  get(key: string, build: () => Int32Array): tf.Tensor {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Refresh its place in the insertion order (least recently used goes first).
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const values = build();
    const tensor = tf.keep(tf.tensor1d(values, 'int32'));
    this.entries.set(key, tensor);
    if (this.entries.size > CAPACITY) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, tf.Tensor];
      this.entries.delete(oldestKey);
      oldest.dispose();
    }
    return tensor;
  }

  /** Positions (from the view's lowest element `start` away) of every element of a view, row-major. */
  positions(shape: readonly number[], strides: readonly number[], start: number): tf.Tensor {
    return this.get(`p|${shape.join(',')}|${strides.join(',')}|${start}`, () => {
      const values = new Int32Array(sizeOf(shape));
      forEachPosition(shape, strides, start, (k, p) => (values[k] = p));
      return values;
    });
  }

  get size(): number {
    return this.entries.size;
  }

  dispose(): void {
    for (const tensor of this.entries.values()) tensor.dispose();
    this.entries.clear();
  }
}
