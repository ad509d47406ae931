// Compositions for what a tfjs op does differently from Recur's contract: integer division that
// truncates toward zero (tfjs floors), maximum/minimum that propagate NaN from either side (not
// every tfjs engine does), and float32 math that an engine rounds worse than the contract's 1e-5.

import type { UnaryOp } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackendName } from './engine.js';

/** a / b truncated toward zero on int32: tfjs's floorDiv, plus 1 where the division was inexact and the signs differ. */
export function truncatingDiv(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const floored = tf.floorDiv(a, b);
  const inexact = tf.notEqual(tf.sub(a, tf.mul(floored, b)), tf.scalar(0, 'int32'));
  const zero = tf.scalar(0, 'int32');
  const signsDiffer = tf.notEqual(tf.less(a, zero), tf.less(b, zero));
  return tf.add(floored, tf.cast(tf.logicalAnd(inexact, signsDiffer), 'int32'));
}

/** op(a, b), but NaN where either operand is NaN (float32; int32 has no NaN). */
export function nanPropagating(op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const result = op(a, b);
  if (a.dtype !== 'float32') return result;
  return tf.where(tf.isNaN(a), a, tf.where(tf.isNaN(b), b, result));
}

/** A composed replacement for `op` on `engine`, or undefined where tfjs's own op is precise enough. */
export function preciseUnary(_engine: TfjsBackendName, _op: UnaryOp): ((x: tf.Tensor) => tf.Tensor) | undefined {
  return undefined;
}
