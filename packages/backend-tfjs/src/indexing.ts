// gather (torch.gather) and scatterAdd (torch.scatter_add_) along one axis, composed from tfjs's
// gather and scatterND over flat buffers: each element's buffer position is a cached base (the
// other axes' strides) plus index·stride(axis). Indices are checked on the host before anything
// runs on cpu/wasm; on GPU engines a [min, max] of the indices is checked at the next read.

import { IndexError, ShapeError, fmtShape, sizeOf, type View } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';
import { checked, expectAxis, expectDType, expectSameDType, expectSameShape, type KernelContext } from './context.js';
import { activate } from './engine.js';
import type { TfjsBuffer } from './memory.js';
import { load, merge } from './views.js';

type TfjsView = View<TfjsBuffer>;

/** The indexed operand's strides with `axis` zeroed, after checking its shape can hold `shape`. */
function indexedStrides(op: string, name: string, view: TfjsView, shape: readonly number[], axis: number): number[] {
  const fits = view.shape.length === shape.length && shape.every((size, d) => d === axis || size <= view.shape[d]!);
  if (!fits) throw new ShapeError(`${op}: indices ${fmtShape(shape)} do not fit ${name} ${fmtShape(view.shape)} off axis ${axis}`);
  return view.strides.map((stride, d) => (d === axis ? 0 : stride));
}

function outOfRange(op: string, index: number, limit: number, axis: number): IndexError {
  return new IndexError(`${op}: index ${index} out of range [0, ${limit}) on axis ${axis}`);
}

/** Every index in [0, limit): now on host-memory engines, at the next read on GPU engines. */
function checkIndices(context: KernelContext, op: string, indices: TfjsView, limit: number, axis: number): void {
  activate(context.engine);
  if (context.engine === 'cpu' || context.engine === 'wasm') {
    const values = tf.tidy(() => load(context.cache, indices).dataSync());
    for (const index of values) if (index < 0 || index >= limit) throw outOfRange(op, index, limit, axis);
    return;
  }
  const range = tf.tidy(() => {
    const index = load(context.cache, indices);
    return tf.stack([tf.min(index), tf.max(index)]);
  });
  context.pendingChecks.push(async () => {
    const [low, high] = await range.data();
    range.dispose();
    if (low! < 0) throw outOfRange(op, low!, limit, axis);
    if (high! >= limit) throw outOfRange(op, high!, limit, axis);
  });
}

/** Flat buffer positions (int32, the indices' shape) of base + index·stride + offset. */
function positions(context: KernelContext, indices: TfjsView, baseStrides: readonly number[], stride: number, offset: number): tf.Tensor {
  const base = tf.reshape(context.cache.positions(indices.shape, baseStrides, 0), indices.shape as number[]);
  const scaled = stride === 1 ? load(context.cache, indices) : tf.mul(load(context.cache, indices), tf.scalar(stride, 'int32'));
  return tf.add(tf.add(base, scaled), tf.scalar(offset, 'int32'));
}

export function gather(context: KernelContext, x: TfjsView, indices: TfjsView, axis: number, out: TfjsView): void {
  checked(context, 'gather', 'out', out);
  checked(context, 'gather', 'indices', indices);
  checked(context, 'gather', 'x', x);
  expectDType('gather', 'indices', indices.dtype, ['int32']);
  expectSameDType('gather', 'x and out', x.dtype, out.dtype);
  expectAxis('gather', axis, x.shape.length);
  expectSameShape('gather', 'indices and out', indices.shape, out.shape);
  const xStrides = indexedStrides('gather', 'x', x, out.shape, axis);
  if (sizeOf(out.shape) === 0) return;
  checkIndices(context, 'gather', indices, x.shape[axis]!, axis);
  const next = tf.tidy(() => {
    const where = tf.reshape(positions(context, indices, xStrides, x.strides[axis]!, x.offset), [-1]);
    const values = tf.reshape(tf.gather(x.buffer.tensor, where), out.shape as number[]);
    return merge(context.cache, out, values, context.engine === 'webgpu' && values.dtype !== 'float32');
  });
  context.memory.replace(out.buffer, next);
}

export function scatterAdd(context: KernelContext, indices: TfjsView, src: TfjsView, axis: number, out: TfjsView): void {
  checked(context, 'scatterAdd', 'out', out);
  checked(context, 'scatterAdd', 'indices', indices);
  checked(context, 'scatterAdd', 'src', src);
  expectDType('scatterAdd', 'indices', indices.dtype, ['int32']);
  expectDType('scatterAdd', 'out', out.dtype, ['float32', 'int32']);
  expectSameDType('scatterAdd', 'src and out', src.dtype, out.dtype);
  expectAxis('scatterAdd', axis, out.shape.length);
  expectSameShape('scatterAdd', 'indices and src', indices.shape, src.shape);
  const outStrides = indexedStrides('scatterAdd', 'out', out, indices.shape, axis);
  if (sizeOf(indices.shape) === 0) return;
  checkIndices(context, 'scatterAdd', indices, out.shape[axis]!, axis);
  const flat = out.buffer.tensor;
  const next = tf.tidy(() => {
    const where = tf.reshape(positions(context, indices, outStrides, out.strides[axis]!, out.offset), [-1, 1]);
    // scatterND sums duplicate positions; elements no index reaches get + 0.
    const delta = tf.scatterND(where, tf.reshape(load(context.cache, src), [-1]), [flat.size]);
    return tf.add(flat, delta);
  });
  context.memory.replace(out.buffer, next);
}
