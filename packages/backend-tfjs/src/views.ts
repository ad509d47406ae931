// Strided views ↔ tfjs tensors. `load` gives the tensor of a view's elements (shape = the view's
// shape) by reshape, slice, transpose and broadcastTo when the layout allows, else by gather with
// cached positions; `merge` gives the buffer's next flat tensor with a view's elements replaced,
// by concat of slices, or by one gather over [old span, new values] for scattered layouts.

import { isContiguous, sizeOf, viewReach, type View } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';
import { forEachPosition, type IndexCache } from './index-cache.js';
import type { TfjsBuffer } from './memory.js';

export type TfjsView = View<TfjsBuffer>;

/**
 * The order of the view's axes in memory (outermost first) when it is a permutation of a
 * contiguous block, else null. Size-1 axes go where they do not break the order.
 */
function memoryOrder(shape: readonly number[], strides: readonly number[]): number[] | null {
  const axes = shape.map((_, d) => d);
  axes.sort((a, b) => (shape[a] === 1 ? 1 : 0) - (shape[b] === 1 ? 1 : 0) || strides[b]! - strides[a]!);
  const sortedShape = axes.map((d) => shape[d]!);
  const sortedStrides = axes.map((d) => strides[d]!);
  return isContiguous(sortedShape, sortedStrides) ? axes : null;
}

function inverse(permutation: readonly number[]): number[] {
  const result = new Array<number>(permutation.length);
  permutation.forEach((axis, k) => (result[axis] = k));
  return result;
}

/** A view's elements as a tensor of its shape (created in the caller's tidy). */
export function load(cache: IndexCache, view: TfjsView): tf.Tensor {
  const { shape, strides, offset } = view;
  const flat = view.buffer.tensor;
  const n = sizeOf(shape);
  if (n === 0) return tf.zeros(shape as number[], view.dtype);
  // Broadcast axes (stride 0) are read once and expanded after.
  const compact = shape.map((d, i) => (strides[i] === 0 ? 1 : d));
  const expanded = compact.some((d, i) => d !== shape[i]);
  const m = sizeOf(compact);
  let tensor: tf.Tensor;
  if (isContiguous(compact, strides)) {
    tensor = tf.reshape(offset === 0 && m === flat.size ? flat : tf.slice(flat, offset, m), compact);
  } else {
    const order = memoryOrder(compact, strides);
    if (order !== null) {
      const block = tf.reshape(
        tf.slice(flat, offset, m),
        order.map((d) => compact[d]!),
      );
      tensor = tf.transpose(block, inverse(order));
    } else {
      const [low, high] = viewReach({ ...view, shape: compact });
      const positions = cache.positions(compact, strides, offset - low);
      tensor = tf.reshape(tf.gather(tf.slice(flat, low, high - low + 1), positions), compact);
    }
  }
  return expanded ? tf.broadcastTo(tensor, shape as number[]) : tensor;
}

/** Whether `view` is its whole buffer in row-major order. */
export function coversBuffer(view: TfjsView): boolean {
  return view.offset === 0 && sizeOf(view.shape) === view.buffer.size && isContiguous(view.shape, view.strides);
}

/** flat with elements [start, start + values.size) replaced by `values` (1-D). */
function spliceRange(flat: tf.Tensor, start: number, values: tf.Tensor): tf.Tensor {
  const pieces = [tf.slice(flat, 0, start), values, tf.slice(flat, start + values.size)].filter((piece) => piece.size > 0);
  return pieces.length === 1 ? pieces[0]! : tf.concat(pieces);
}

/**
 * The buffer's next flat tensor: its current one with `out`'s elements set to `values` (a tensor
 * of out's shape and dtype), every other element kept. Created in the caller's tidy. With
 * `sliceFree`, no slice or splice is used: one gather over [whole buffer, new values]. tfjs-webgpu
 * 4.22 loses elements around int32/bool splices now and then (the conformance suite's offset and
 * permuted outs caught it), and this path avoids them.
 */
export function merge(cache: IndexCache, out: TfjsView, values: tf.Tensor, sliceFree = false): tf.Tensor {
  const flat = out.buffer.tensor;
  const n = sizeOf(out.shape);
  if (n === 0) return flat;
  if (coversBuffer(out)) return tf.reshape(values, [n]);
  if (sliceFree) return gatherMerge(cache, flat, out, values, 0, flat.size);
  if (isContiguous(out.shape, out.strides)) return spliceRange(flat, out.offset, tf.reshape(values, [n]));
  const order = memoryOrder(out.shape, out.strides);
  if (order !== null) return spliceRange(flat, out.offset, tf.reshape(tf.transpose(values, order), [n]));
  // Scattered: the span the view reaches is rebuilt by one gather and spliced in.
  const [low, high] = viewReach(out);
  return spliceRange(flat, low, gatherMerge(cache, tf.slice(flat, low, high - low + 1), out, values, low, high - low + 1));
}

/** Elements [low, low + span) of the buffer with out's set to `values`: one gather from [old span, values]. */
function gatherMerge(cache: IndexCache, oldSpan: tf.Tensor, out: TfjsView, values: tf.Tensor, low: number, span: number): tf.Tensor {
  const n = sizeOf(out.shape);
  const map = cache.get(`m|${out.shape.join(',')}|${out.strides.join(',')}|${out.offset - low}|${span}`, () => {
    const indices = new Int32Array(span);
    for (let p = 0; p < span; p++) indices[p] = p;
    forEachPosition(out.shape, out.strides, out.offset - low, (k, p) => (indices[p] = span + k));
    return indices;
  });
  return tf.gather(tf.concat([oldSpan, tf.reshape(values, [n])]), map);
}
