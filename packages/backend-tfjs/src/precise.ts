// Compositions for what a tfjs op does differently from Recur's contract: integer division that
// truncates toward zero (tfjs floors), and maximum/minimum that propagate NaN from either side
// (not every tfjs engine does).

import * as tf from '@tensorflow/tfjs-core';

/** a / b truncated toward zero on int32: tfjs's floorDiv, plus 1 where the division was inexact and the signs differ. */
export function truncatingDiv(a: tf.Tensor, b: tf.Tensor, inFloat: boolean): tf.Tensor {
  if (inFloat) return truncatingDivInFloat(a, b);
  const floored = tf.floorDiv(a, b);
  const inexact = tf.notEqual(tf.sub(a, tf.mul(floored, b)), tf.scalar(0, 'int32'));
  const zero = tf.scalar(0, 'int32');
  const signsDiffer = tf.notEqual(tf.less(a, zero), tf.less(b, zero));
  return tf.add(floored, tf.cast(tf.logicalAnd(inexact, signsDiffer), 'int32'));
}

/**
 * int32 division in float32 arithmetic, for tfjs-webgpu 4.22: its int32 floorDiv shader breaks
 * the device, and so does reading the operands back. q = trunc(a / b), then one correction from
 * the remainder r = a − q·b (exact below 2^24): r must have a's sign (or be 0) and |r| < |b|.
 */
function truncatingDivInFloat(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [x, y] = [tf.cast(a, 'float32'), tf.cast(b, 'float32')];
  const t = tf.div(x, y);
  let q = tf.mul(tf.sign(t), tf.floor(tf.abs(t)));
  const r = tf.sub(x, tf.mul(q, y));
  const direction = tf.mul(tf.sign(x), tf.sign(y));
  const short = tf.cast(tf.greaterEqual(tf.abs(r), tf.abs(y)), 'float32');
  const over = tf.cast(tf.less(tf.mul(r, x), tf.scalar(0)), 'float32');
  q = tf.add(q, tf.mul(direction, tf.sub(short, over)));
  return tf.cast(q, 'int32');
}

/** op(a, b), but NaN where either operand is NaN (float32; int32 has no NaN). */
export function nanPropagating(op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const result = op(a, b);
  if (a.dtype !== 'float32') return result;
  return tf.where(tf.isNaN(a), a, tf.where(tf.isNaN(b), b, result));
}

/**
 * The first index of the extreme along `axis` (kept as size 1), NaN counting as the extreme as
 * in PyTorch. GPU reductions return any of several tied indices, so ties are broken here: the
 * smallest position holding the extreme.
 */
export function firstArgExtreme(x: tf.Tensor, axis: number, op: 'max' | 'min'): tf.Tensor {
  const n = x.shape[axis]!;
  const positions = tf.broadcastTo(
    tf.reshape(
      tf.range(0, n, 1, 'float32'),
      x.shape.map((size, d) => (d === axis ? size : 1)),
    ),
    x.shape,
  );
  const none = tf.fill(x.shape, n, 'float32');
  const firstWhere = (mask: tf.Tensor): tf.Tensor => tf.min(tf.where(mask, positions, none), axis, true);
  const extreme = op === 'max' ? tf.max(x, axis, true) : tf.min(x, axis, true);
  let first = firstWhere(tf.equal(x, extreme));
  if (x.dtype === 'float32') {
    const firstNaN = firstWhere(tf.isNaN(x));
    first = tf.where(tf.less(firstNaN, tf.scalar(n)), firstNaN, first);
  }
  return tf.cast(first, 'int32');
}

// π/2 in three parts (Cody–Waite): k·P1 and k·P2 are exact for the |k| < 2^12 float32 needs.
const HALF_PI_1 = 1.5703125;
const HALF_PI_2 = 4.837512969970703125e-4;
const HALF_PI_3 = Math.PI / 2 - HALF_PI_1 - HALF_PI_2;
// Taylor coefficients of sin r and cos r; on |r| ≤ π/4 the next terms are below 1e-11.
const SIN = [-1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800];
const COS = [1 / 24, -1 / 720, 1 / 40320, -1 / 3628800, 1 / 479001600];

/** c0 + r2·(c1 + r2·(c2 + …)) by Horner. */
function horner(r2: tf.Tensor, coefficients: readonly number[]): tf.Tensor {
  let sum = tf.scalar(coefficients[coefficients.length - 1]!);
  for (let i = coefficients.length - 2; i >= 0; i--) sum = tf.add(tf.scalar(coefficients[i]!), tf.mul(r2, sum));
  return sum;
}

/**
 * sin or cos to float32 precision on engines whose built-in ones are not (SwiftShader's GLSL
 * and WGSL sin are off by ~2e-5 at |x| ≈ 8): x = k·π/2 + r with |r| ≤ π/4, then a polynomial in r
 * and the quadrant k mod 4 picking ±sin r or ±cos r.
 */
export function preciseSinCos(x: tf.Tensor, op: 'sin' | 'cos'): tf.Tensor {
  const k = tf.round(tf.mul(x, tf.scalar(2 / Math.PI)));
  const r = tf.sub(tf.sub(tf.sub(x, tf.mul(k, tf.scalar(HALF_PI_1))), tf.mul(k, tf.scalar(HALF_PI_2))), tf.mul(k, tf.scalar(HALF_PI_3)));
  const r2 = tf.mul(r, r);
  const sinR = tf.add(r, tf.mul(tf.mul(r, r2), horner(r2, SIN)));
  const cosR = tf.add(tf.sub(tf.scalar(1), tf.mul(r2, tf.scalar(0.5))), tf.mul(tf.mul(r2, r2), horner(r2, COS)));
  // cos x = sin(x + π/2): the quadrant moves on by one.
  const quadrant = tf.mod(op === 'sin' ? k : tf.add(k, tf.scalar(1)), tf.scalar(4));
  const pick = (q: number): tf.Tensor => tf.equal(quadrant, tf.scalar(q));
  return tf.where(pick(0), sinR, tf.where(pick(1), cosR, tf.where(pick(2), tf.neg(sinR), tf.neg(cosR))));
}
