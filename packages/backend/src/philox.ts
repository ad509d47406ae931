// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
// counter-based generator, so element i of a random tensor is a pure function of (key, counter
// + i) and every backend produces the same bits. Pure reference helpers used by all backends.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the unsigned 64-bit product a·b. */
function mulhi(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const loLo = aLo * bLo;
  const hiLo = aHi * bLo;
  const loHi = aLo * bHi;
  const hiHi = aHi * bHi;
  const cross = (loLo >>> 16) + (hiLo & 0xffff) + loHi;
  return (hiHi + (hiLo >>> 16) + Math.floor(cross / 65536)) >>> 0;
}

/**
 * Philox4x32-10 of counter (c0..c3) under key (k0, k1); writes four uint32 words to `out`.
 */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** A uint32 → float in [0, 1) with 24 random bits, exactly representable in float32. */
export function uint32ToUniform(bits: number): number {
  return (bits >>> 8) * 5.9604644775390625e-8; // 2^-24
}

/** A uint32 → float in (0, 1], for Box–Muller's logarithm. */
export function uint32ToUniformOpen(bits: number): number {
  return ((bits >>> 8) + 1) * 5.9604644775390625e-8;
}

export type RandomDistribution = 'uniform' | 'normal' | 'bits';

export interface RandomParams {
  readonly distribution: RandomDistribution;
  /** 64-bit key as two uint32 words (the seed). */
  readonly key: readonly [number, number];
  /** Counter of element 0; element i uses counter + i (64-bit as two uint32 words, lo first). */
  readonly counter: readonly [number, number];
  /** uniform: [low, high); normal: mean and std. Ignored for bits. */
  readonly a: number;
  readonly b: number;
}

/**
 * The reference value of element `index` of a random tensor. Each Philox block of four words
 * serves four consecutive elements: block = (counter + ⌊index/4⌋), word = index mod 4. Normal
 * uses Box–Muller on words (w, w^1) of the block — both pair members share their two uniforms.
 */
export function randomElement(params: RandomParams, index: number, scratch: Uint32Array): number {
  const block = Math.floor(index / 4);
  const word = index & 3;
  let lo = params.counter[0] + block;
  let hi = params.counter[1];
  if (lo >= 0x100000000) {
    hi = (hi + Math.floor(lo / 0x100000000)) >>> 0;
    lo = lo >>> 0;
  }
  philox4x32(lo >>> 0, hi >>> 0, 0, 0, params.key[0] >>> 0, params.key[1] >>> 0, scratch);
  switch (params.distribution) {
    case 'bits':
      return scratch[word]!;
    case 'uniform':
      return params.a + (params.b - params.a) * uint32ToUniform(scratch[word]!);
    case 'normal': {
      const pair = word & 2;
      const u1 = uint32ToUniformOpen(scratch[pair]!);
      const u2 = uint32ToUniform(scratch[pair + 1]!);
      const radius = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      const z = (word & 1) === 0 ? radius * Math.cos(theta) : radius * Math.sin(theta);
      return params.a + params.b * z;
    }
  }
}

/** Number of counter values a random tensor of `size` elements consumes. */
export function randomCounterSpan(size: number): number {
  return Math.ceil(size / 4);
}
