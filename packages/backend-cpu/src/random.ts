// Counter-based random fill (Philox4x32-10): element i, in row-major order of out's shape, equals
// `randomElement(params, i)`. Each Philox block is computed once and its four words serve four
// consecutive elements; normal pairs words (0,1) and (2,3) through Box–Muller, as the reference.

import {
  ValueError,
  philox4x32,
  sizeOf,
  uint32ToUniform,
  uint32ToUniformOpen,
  type AnyTypedArray,
  type DType,
  type RandomParams,
  type View,
} from '@recur/backend';
import { expectDType, viewArray, type KernelContext } from './check.js';
import type { CpuBuffer } from './memory.js';
import { forEachRun, isFlat, layoutOf } from './strided.js';

const TWO_32 = 0x100000000;
const OUT_DTYPES: Record<RandomParams['distribution'], readonly DType[]> = {
  uniform: ['float32'],
  normal: ['float32'],
  bits: ['int32', 'float32'],
};

/** Fills values[0 .. n) with elements 0 .. n) of the random tensor described by `params`. */
function generate(params: RandomParams, values: AnyTypedArray, n: number): void {
  const words = new Uint32Array(4);
  const key0 = params.key[0] >>> 0;
  const key1 = params.key[1] >>> 0;
  const { a, b, distribution } = params;
  for (let block = 0, i = 0; i < n; block++, i += 4) {
    // 64-bit counter + block, carried exactly as randomElement does.
    let lo = params.counter[0] + block;
    let hi = params.counter[1];
    if (lo >= TWO_32) {
      hi = (hi + Math.floor(lo / TWO_32)) >>> 0;
      lo = lo >>> 0;
    }
    philox4x32(lo >>> 0, hi >>> 0, 0, 0, key0, key1, words);
    const count = Math.min(4, n - i);
    if (distribution === 'uniform') {
      for (let w = 0; w < count; w++) values[i + w] = a + (b - a) * uint32ToUniform(words[w]!);
    } else if (distribution === 'normal') {
      for (let pair = 0; pair < count; pair += 2) {
        const radius = Math.sqrt(-2 * Math.log(uint32ToUniformOpen(words[pair]!)));
        const theta = 2 * Math.PI * uint32ToUniform(words[pair + 1]!);
        values[i + pair] = a + b * (radius * Math.cos(theta));
        if (pair + 1 < count) values[i + pair + 1] = a + b * (radius * Math.sin(theta));
      }
    } else {
      for (let w = 0; w < count; w++) values[i + w] = words[w]!;
    }
  }
}

export function random(context: KernelContext, out: View<CpuBuffer>, params: RandomParams): void {
  const target = viewArray(context, 'random', 'out', out);
  const allowed = OUT_DTYPES[params.distribution];
  if (allowed === undefined) throw new ValueError(`random: unknown distribution '${String(params.distribution)}'`);
  expectDType(`random(${params.distribution})`, 'out', out.dtype, allowed);
  if (params.key.length !== 2 || params.counter.length !== 2) {
    throw new ValueError('random: key and counter must be two uint32 words each');
  }
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const layout = layoutOf(out.shape, [out.strides]);
  if (isFlat(layout)) {
    generate(params, target.subarray(out.offset, out.offset + n), n);
    return;
  }
  const values = out.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  generate(params, values, n);
  const last = layout.shape.length - 1;
  const run = layout.shape[last]!;
  const step = layout.strides[0]![last]!;
  let i = 0;
  forEachRun(layout, [out.offset], (pointers) => {
    for (let j = 0, p = pointers[0]!; j < run; j++, p += step) target[p] = values[i++]!;
  });
}
