// IEEE binary16 (float16) weight storage: float32 → float16 rounding to nearest even (overflow to
// ±∞, subnormals kept), float16 → float32 exactly, and the packing two per int32 word that the
// backends read (element k of a row in the low half of word ⌊k/2⌋ when k is even).

const scratch = new DataView(new ArrayBuffer(4));

/** The float16 bits nearest to `value` (ties to even), as PyTorch's `.half()` rounds. */
export function toFloat16Bits(value: number): number {
  scratch.setFloat32(0, value);
  const bits = scratch.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // ∞ or NaN (quiet)
  const unbiased = exponent - 127;
  if (unbiased > 15) return sign | 0x7c00;
  if (unbiased >= -14) {
    // Normal: keep 10 mantissa bits, round the 13 dropped ones to nearest even (a carry may
    // roll into the exponent, up to ∞, which is the right answer).
    let half = ((unbiased + 15) << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
    return sign | half;
  }
  if (unbiased < -25) return sign; // below half the smallest subnormal: ±0
  // Subnormal: the implicit 1 joins the mantissa, shifted right by the exponent's shortfall.
  const full = mantissa | 0x800000;
  const shift = -unbiased - 14 + 13;
  let half = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const midpoint = 1 << (shift - 1);
  if (rest > midpoint || (rest === midpoint && half & 1)) half++;
  return sign | half;
}

/** The float value of float16 bits (exact in float32). */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export function toFloat16Array(values: Float32Array): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]!);
  return out;
}

export function fromFloat16Array(bits: Uint16Array): Float32Array<ArrayBuffer> {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = fromFloat16Bits(bits[i]!);
  return out;
}

/** The packed int32 words of float16 [N, K]: two per word, rows padded to ⌈K/2⌉ words. */
export function packFloat16Words(bits: Uint16Array, rows: number, cols: number): Int32Array<ArrayBuffer> {
  const words = Math.ceil(cols / 2);
  const packed = new Int32Array(rows * words);
  for (let n = 0; n < rows; n++) {
    for (let k = 0; k < cols; k++) {
      const word = n * words + (k >> 1);
      packed[word] = packed[word]! | (bits[n * cols + k]! << (k & 1 ? 16 : 0));
    }
  }
  return packed;
}
