// exp, log, tanh and sigmoid in WGSL to about 1–2 ulp, for the elementwise ops and the fused
// cells. WGSL promises exp only within 3 + 2|x| ulp, log only 2^-21 absolute near 1, and tanh
// "as sinh/cosh": SwiftShader's exp is off by up to 8 ulp with a bias, its log(1 + d) and its
// tanh, (e^2x − 1)/(e^2x + 1), lose every digit as d, x → 0 (tanh: relative error 5e-5 at
// x = 1e-3), which moved an LSTM's loss out of PyTorch's tolerance. exp: x = k·ln2 + r with
// |r| ≤ ln2/2; log: x = m·2^e with m in [√½, √2); ln2 is split so k·C1 is exact (Cody–Waite).

import type { ShaderParts } from './wgsl-prelude.js';

/** recur_exp, recur_log, recur_tanh, recur_sigmoid; NaN gives NaN (WGSL may assume none). */
export const PRECISE_MATH = `
fn recur_exp(x: f32) -> f32 {
  if (recur_is_nan(x)) { return x; }
  if (x < -103.97208) { return 0.0; }
  // Above ln(FLT_MAX) ≈ 88.72 the product below overflows to +inf (a constant inf is not WGSL).
  let y = min(x, 89.0);
  let k = round(y * 1.44269504088896341);
  let r = (y - k * 0.693359375) - k * -2.12194440e-4;
  // Cephes' minimax polynomial for e^r on [-ln2/2, ln2/2].
  let p = (((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r
    + 1.6666665459e-1) * r + 5.0000001201e-1) * r * r + r + 1.0;
  // 2^k in two normal factors, so k down to -150 (subnormal results) and up to 128 both work.
  let n = i32(k);
  let half = n / 2;
  let s1 = bitcast<f32>(u32(half + 127) << 23u);
  let s2 = bitcast<f32>(u32(n - half + 127) << 23u);
  return p * s1 * s2;
}

// A NaN or ±inf bit pattern: WGSL constants cannot hold them, so the bits pass through x.
fn recur_special(bits: u32, x: f32) -> f32 { return bitcast<f32>(bits | (bitcast<u32>(x) & 0u)); }

fn recur_log(x: f32) -> f32 {
  // SwiftShader's own log gives log|x| for x < 0 and -88 at 0: the special values come first.
  if (recur_is_nan(x) || x > 3.4028234e38) { return x; }
  if (x < 0.0) { return recur_special(0x7fc00000u, x); }
  if (x == 0.0) { return recur_special(0xff800000u, x); }
  let parts = frexp(x);
  var e = f32(parts.exp);
  var m = parts.fract - 1.0;
  if (parts.fract < 0.70710678) {
    e = e - 1.0;
    m = parts.fract + parts.fract - 1.0;
  }
  // Cephes' polynomial for log(1 + m) − m + m²/2, |m| < 0.42.
  let z = m * m;
  let y = ((((((((7.0376836292e-2 * m - 1.1514610310e-1) * m + 1.1676998740e-1) * m - 1.2420140846e-1) * m
    + 1.4249322787e-1) * m - 1.6668057665e-1) * m + 2.0000714765e-1) * m - 2.4999993993e-1) * m
    + 3.3333331174e-1) * m * z + e * -2.12194440e-4 - 0.5 * z;
  return (m + y) + e * 0.693359375;
}

fn recur_tanh(x: f32) -> f32 {
  if (recur_is_nan(x)) { return x; }
  let a = abs(x);
  if (a < 0.625) {
    // Odd minimax polynomial (Cephes): no cancellation near 0, so tanh x ≈ x to the last bit.
    let s = x * x;
    return x + x * s * ((((-5.70498872745e-3 * s + 2.06390887954e-2) * s - 5.37397155531e-2) * s
      + 1.33314422036e-1) * s - 3.33332819422e-1);
  }
  // 1 − 2/(e^2a + 1) ≥ 0.55 here; tanh rounds to 1 in float32 from a ≈ 9.1.
  let t = 1.0 - 2.0 / (recur_exp(2.0 * min(a, 10.0)) + 1.0);
  return select(t, -t, x < 0.0);
}

fn recur_sigmoid(x: f32) -> f32 {
  if (recur_is_nan(x)) { return x; }
  // e = e^-|x| ≤ 1 never overflows; σ(|x|) = 1/(1 + e), σ(−|x|) = e·σ(|x|).
  let e = recur_exp(-abs(x));
  let s = 1.0 / (1.0 + e);
  return select(e * s, s, x >= 0.0);
}`;

/** Whether a shader calls them (only those kernels pay for compiling them). */
export function usesPreciseMath(parts: ShaderParts): boolean {
  const calls = /recur_(exp|log|tanh|sigmoid)\(/;
  return calls.test(parts.body) || calls.test(parts.helpers ?? '');
}
