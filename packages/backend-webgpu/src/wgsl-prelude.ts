// What every generated shader starts and ends with: the params uniform (read word by word with
// pu/pi/pf), NaN tests that do not trust float comparisons (WGSL may assume no NaN), and the
// entry point that turns the 2-D grid into a linear workgroup index `group` (see dispatch-grid.ts).

import type { Bindings } from './bindings.js';
import { PRECISE_MATH, usesPreciseMath } from './precise-math-wgsl.js';

/** The shader text of one kernel: helper functions and the body of `main`. */
export interface ShaderParts {
  readonly workgroupSize: number;
  readonly body: string;
  readonly helpers?: string;
}

/**
 * (sin x, cos x) to about 1 ulp for |x| up to a few thousand. WGSL only bounds sin/cos within
 * 2^-11 absolute on [-π, π] (SwiftShader's err by ~1e-4 there and more outside), far from the
 * contract's 1e-5 relative. Cody–Waite reduction by π/2 split in three parts (exact products),
 * then Cephes' minimax polynomials on [-π/4, π/4] and the quadrant's sign and swap.
 */
const SINCOS = `
fn recur_sincos(x: f32) -> vec2<f32> {
  let k = round(x * 0.63661977236758134);
  let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let q = i32(k) & 3;
  if (q == 1) { return vec2<f32>(c, -s); }
  if (q == 2) { return vec2<f32>(-s, -c); }
  if (q == 3) { return vec2<f32>(-c, s); }
  return vec2<f32>(s, c);
}`;

export function assembleShader(paramWords: number, bindings: Bindings, parts: ShaderParts): string {
  const vectors = Math.max(1, Math.ceil(paramWords / 4));
  return `
struct Params { w: array<vec4<u32>, ${vectors}>, }
@group(0) @binding(0) var<uniform> params: Params;
${bindings.declarations()}

fn pu(k: u32) -> u32 { return params.w[k >> 2u][k & 3u]; }
fn pi(k: u32) -> i32 { return bitcast<i32>(pu(k)); }
fn pf(k: u32) -> f32 { return bitcast<f32>(pu(k)); }
fn recur_is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
${SINCOS}
${usesPreciseMath(parts) ? PRECISE_MATH : ''}
${parts.helpers ?? ''}
@compute @workgroup_size(${parts.workgroupSize})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let group = pu(0u) + wid.x + nwg.x * wid.y;
  if (group >= pu(1u)) { return; }
${parts.body}
}
`;
}

/** A float32 as the u32 word holding its bits (params carry floats this way). */
export function f32Bits(value: number): number {
  F32[0] = value;
  return U32[0]!;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
