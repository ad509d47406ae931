// random: Philox4x32-10 computed on the host (randomElement of @recur/backend) and uploaded, so
// every tfjs engine gives the reference bits; tfjs has no 32-bit unsigned integer math on GPUs
// (webgl holds int32 as float), which Philox needs.

import { ValueError, randomElement, sizeOf, typedArrayFor, type RandomParams, type View } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';
import { checked, expectDType, writeOut, type KernelContext } from './context.js';
import type { TfjsBuffer } from './memory.js';

export function random(context: KernelContext, out: View<TfjsBuffer>, params: RandomParams): void {
  checked(context, 'random', 'out', out);
  const distribution = params.distribution;
  if (distribution !== 'bits' && distribution !== 'uniform' && distribution !== 'normal') {
    throw new ValueError(`random: distribution must be bits, uniform or normal; got '${String(distribution)}'`);
  }
  expectDType(`random(${distribution})`, 'out', out.dtype, [distribution === 'bits' ? 'int32' : 'float32']);
  if (params.key.length !== 2 || params.counter.length !== 2) throw new ValueError('random: key and counter must be two uint32 words each');
  const size = sizeOf(out.shape);
  if (size === 0) return;
  const values = typedArrayFor(out.dtype, size);
  const scratch = new Uint32Array(4);
  for (let i = 0; i < size; i++) values[i] = randomElement(params, i, scratch);
  writeOut(context, out, () => tf.tensor(values, out.shape as number[], out.dtype));
}
