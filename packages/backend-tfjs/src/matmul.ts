// Batched matmul out[..., M, N] (+)= op(A)·op(B) as tfjs matMul over [batch, rows, cols] (batch
// axes flattened into one); accumulate adds the old out. K = 0 gives zeros (plus out₀).
// tfjs-backend-wasm 4.22 caches its XNNPACK operator per tensor id of b and ignores b's shape,
// so the same data read as [K, N] after [N, K] reuses the wrong packing: on wasm, b is copied
// into a tensor of its own first (×1 keeps every value, −0 included).

import { matmulDims, sizeOf, type MatmulOptions, type View } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';
import { checked, expectDType, writeOut, type KernelContext } from './context.js';
import type { TfjsBuffer } from './memory.js';
import { load } from './views.js';

type TfjsView = View<TfjsBuffer>;

export function matmul(context: KernelContext, a: TfjsView, b: TfjsView, out: TfjsView, options: MatmulOptions = {}): void {
  checked(context, 'matmul', 'out', out);
  checked(context, 'matmul', 'a', a);
  checked(context, 'matmul', 'b', b);
  for (const [label, view] of [
    ['a', a],
    ['b', b],
    ['out', out],
  ] as const)
    expectDType('matmul', label, view.dtype, ['float32']);
  const { K, batchShape } = matmulDims(a, b, out, options);
  if (sizeOf(out.shape) === 0) return;
  const batch = sizeOf(batchShape);
  const transposeA = options.transposeA === true;
  const transposeB = options.transposeB === true;
  writeOut(context, out, () => {
    let product: tf.Tensor;
    if (K === 0) {
      product = tf.zeros(out.shape as number[]);
    } else {
      const as = tf.reshape(load(context.cache, a), [batch, ...a.shape.slice(-2)]);
      const loaded = load(context.cache, b);
      const bs = tf.reshape(context.engine === 'wasm' ? tf.mul(loaded, tf.scalar(1)) : loaded, [batch, ...b.shape.slice(-2)]);
      product = tf.reshape(tf.matMul(as, bs, transposeA, transposeB), out.shape as number[]);
    }
    return options.accumulate === true ? tf.add(load(context.cache, out), product) : product;
  });
}
