// Philox4x32-10 in WGSL, bit-identical to `philox4x32` in @recur/backend: the 32×32→64-bit
// product's high word is assembled from 16-bit halves (WGSL has no 64-bit integers) exactly as
// the reference's `mulhi` does; u32 multiplication wraps like Math.imul.

export const PHILOX_WGSL = `
fn philox_mulhi(a: u32, b: u32) -> u32 {
  let aHi = a >> 16u;
  let aLo = a & 0xffffu;
  let bHi = b >> 16u;
  let bLo = b & 0xffffu;
  let loLo = aLo * bLo;
  let hiLo = aHi * bLo;
  let loHi = aLo * bHi;
  let hiHi = aHi * bHi;
  // At most 2^32 - 2, so no carry is lost.
  let cross = (loLo >> 16u) + (hiLo & 0xffffu) + loHi;
  return hiHi + (hiLo >> 16u) + (cross >> 16u);
}

fn philox4x32(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0; round < 10; round++) {
    let hi0 = philox_mulhi(0xd2511f53u, c.x);
    let lo0 = 0xd2511f53u * c.x;
    let hi1 = philox_mulhi(0xcd9e8d57u, c.z);
    let lo1 = 0xcd9e8d57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}

// uint32ToUniform: 24 random bits in [0, 1), exact in f32.
fn philox_uniform(bits: u32) -> f32 { return f32(bits >> 8u) * 5.9604644775390625e-8; }

// ln(u) for u = ((bits >> 8) + 1)·2^-24 in (0, 1]. Near 1, WGSL only promises log to 2^-21
// absolute, which Box–Muller's radius √(-2 ln u) would magnify; there a short series on the
// exact d = 1 - u is accurate to f32 rounding.
fn philox_log_open(bits: u32) -> f32 {
  let u = f32((bits >> 8u) + 1u) * 5.9604644775390625e-8;
  let d = 1.0 - u;
  if (d < 0.015625) {
    return -d * (1.0 + d * (0.5 + d * (0.33333334 + d * (0.25 + d * 0.2))));
  }
  return log(u);
}

// (cos, sin) of 2π·uniform(bits), through the accurate recur_sincos (prelude), on an angle
// first brought into [-π, π).
fn philox_angle(bits: u32) -> vec2<f32> {
  let u = philox_uniform(bits);
  let sc = recur_sincos(6.2831855 * (u - select(0.0, 1.0, u >= 0.5)));
  return vec2<f32>(sc.y, sc.x);
}
`;
