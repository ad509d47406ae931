// The float32 route of int32 division (used on tfjs-webgpu, whose int32 floorDiv breaks the
// device) truncates toward zero like the CPU reference, checked here on tfjs cpu, where it can run
// in Node: every sign combination, exact and inexact quotients, and values near 2^24.

import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { startTfjsBackend } from './engine.js';
import { truncatingDiv } from './precise.js';

it('int32 division in float32 truncates toward zero', async () => {
  await startTfjsBackend('cpu');
  const a: number[] = [];
  const b: number[] = [];
  for (let x = -60; x <= 60; x++) {
    for (const y of [-20, -7, -3, -2, -1, 1, 2, 3, 7, 20]) {
      a.push(x * 137);
      b.push(y);
    }
  }
  a.push(16777215, -16777215, 16777213, 9999991);
  b.push(7, 3, -16777213, 10);
  const quotient = tf.tidy(() => truncatingDiv(tf.tensor1d(a, 'int32'), tf.tensor1d(b, 'int32'), true));
  const expected = Int32Array.from(a, (x, i) => x / b[i]!);
  expect(Array.from(quotient.dataSync())).toEqual(Array.from(expected));
  quotient.dispose();
});
