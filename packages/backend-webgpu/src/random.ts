// random: counter-based Philox4x32-10. One invocation per Philox block writes the block's four
// consecutive elements (row-major in out's shape, through out's strides); element i matches
// `randomElement(params, i)` of @recur/backend: bits exactly, uniform exactly, normal within f32.

import { ValueError, sizeOf, type DType, type RandomParams } from '@recur/backend';
import type { Bindings } from './bindings.js';
import { coversBuffer, expectDType, viewHandle, type GpuView } from './check.js';
import { ELEMENTWISE_WORKGROUP } from './elementwise-wgsl.js';
import { FIRST_PARAM, type KernelContext } from './kernel-context.js';
import { PHILOX_WGSL } from './philox-wgsl.js';
import { layoutWords, offsetCode, stridedLayout } from './strided-layout.js';
import { f32Bits, type ShaderParts } from './wgsl-prelude.js';

const OUT_DTYPES: Record<RandomParams['distribution'], readonly DType[]> = {
  uniform: ['float32'],
  normal: ['float32'],
  bits: ['int32', 'float32'],
};

/** Param words: [n, key0, key1, counter0, counter1, a, b, layout of out]. */
function randomShader(bindings: Bindings, rank: number, distribution: RandomParams['distribution'], dtype: DType): ShaderParts {
  const P = FIRST_PARAM;
  let value: string;
  if (distribution === 'uniform') value = 'a + (b - a) * philox_uniform(words[w])';
  else if (distribution === 'normal') {
    value = 'a + b * (sqrt(-2.0 * philox_log_open(words[w & 2u])) * ' + 'select(angle.x, angle.y, (w & 1u) == 1u))';
  } else value = dtype === 'int32' ? 'words[w]' : 'f32(words[w])';
  const type = distribution === 'bits' && dtype === 'int32' ? 'u32' : 'f32';
  return {
    workgroupSize: ELEMENTWISE_WORKGROUP,
    helpers: PHILOX_WGSL,
    body: `
  let block = group * ${ELEMENTWISE_WORKGROUP}u + lid;
  let n = pu(${P}u);
  if (block >= (n + 3u) / 4u) { return; }
  // 64-bit counter + block: carry from the low word into the high word.
  let lo = pu(${P + 3}u) + block;
  let hi = pu(${P + 4}u) + select(0u, 1u, lo < block);
  let r = philox4x32(vec4<u32>(lo, hi, 0u, 0u), vec2<u32>(pu(${P + 1}u), pu(${P + 2}u)));
  var words = array<u32, 4>(r.x, r.y, r.z, r.w);
  let a = pf(${P + 5}u);
  let b = pf(${P + 6}u);
  for (var w = 0u; w < 4u; w++) {
    let i = block * 4u + w;
    if (i >= n) { break; }
    let angle = philox_angle(words[(w & 2u) + 1u]);
${offsetCode(rank, 1, P + 7, 'i')}
    ${bindings.store(0, 'o0', value, type)}
  }`,
  };
}

export function random(context: KernelContext, out: GpuView, params: RandomParams): void {
  const handle = viewHandle(context.memory, 'random', 'out', out);
  const allowed = OUT_DTYPES[params.distribution];
  if (allowed === undefined) throw new ValueError(`random: unknown distribution '${String(params.distribution)}'`);
  expectDType(`random(${params.distribution})`, 'out', out.dtype, allowed);
  if (params.key.length !== 2 || params.counter.length !== 2) throw new ValueError('random: key and counter must be two uint32 words each');
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const layout = stridedLayout(out.shape, [out]);
  const rank = layout.shape.length;
  const { distribution } = params;
  context.run({
    key: `random:${distribution}:${out.dtype}:r${rank}`,
    operands: [{ handle, access: 'read_write', overwrite: coversBuffer(out) }],
    shader: (bindings) => randomShader(bindings, rank, distribution, out.dtype),
    params: [
      n,
      params.key[0],
      params.key[1],
      params.counter[0],
      params.counter[1],
      f32Bits(params.a),
      f32Bits(params.b),
      ...layoutWords(layout),
    ],
    groups: Math.ceil(Math.ceil(n / 4) / ELEMENTWISE_WORKGROUP),
  });
}
