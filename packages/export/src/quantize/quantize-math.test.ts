import { describe, expect, it } from 'vitest';
import { dequantizeInt8Rows, packInt8Words, quantizeInt8Rows, roundHalfEven } from './int8.js';
import { fromFloat16Bits, packFloat16Words, toFloat16Bits } from './float16.js';

describe('int8 rows', () => {
  it('rounds half to even, as torch (nearbyint)', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, -2, 2, 3]);
  });

  it('scales each row by max|w|/127 and rounds w/s half to even', () => {
    // Row 0: s = 127/127 = 1, so q = round(w); 2.5 → 2, 3.5 → 4, -0.5 → 0. Row 1: all zero.
    const w = Float32Array.from([2.5, 3.5, -0.5, 127, 0, 0, 0, 0]);
    const { values, scales } = quantizeInt8Rows(w, 2, 4);
    expect([...scales]).toEqual([1, 0]);
    expect([...values]).toEqual([2, 4, 0, 127, 0, 0, 0, 0]);
    const small = quantizeInt8Rows(Float32Array.from([0.1, -0.2, 0.05]), 1, 3);
    expect(small.scales[0]).toBeCloseTo(0.2 / 127, 9);
    expect([...small.values]).toEqual([64, -127, 32]); // 63.5 → 64 (even), 31.75 → 32
    const back = dequantizeInt8Rows(small.values, small.scales, 3);
    for (const [i, v] of [0.1, -0.2, 0.05].entries()) expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(small.scales[0]! / 2 + 1e-9);
  });

  it('refuses non-finite weights and a wrong count', () => {
    expect(() => quantizeInt8Rows(Float32Array.from([1, NaN]), 1, 2)).toThrow(/finite.*row 0 holds NaN/);
    expect(() => quantizeInt8Rows(Float32Array.from([1, 2, 3]), 2, 2)).toThrow(/expected 2×2 = 4 values; got 3/);
  });

  it('packs four int8 per little-endian word, rows padded to whole words', () => {
    const q = Int8Array.from([1, -2, 3, -4, 5, 6, 7, 8, 9, 10]); // 2 rows × 5
    const words = packInt8Words(q, 2, 5);
    expect(words.length).toBe(4);
    const bytes = new Int8Array(words.buffer);
    expect([...bytes]).toEqual([1, -2, 3, -4, 5, 0, 0, 0, 6, 7, 8, 9, 10, 0, 0, 0]);
  });
});

describe('float16', () => {
  it('rounds to nearest even and decodes exactly', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // halfway to the next binade: rounds up to ∞
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even (mantissa 0)
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (mantissa 2)
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(2 ** -25)).toBe(0x0000); // tie with 0 → even
    expect(toFloat16Bits(1.5 * 2 ** -25)).toBe(0x0001);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    for (const bits of [0x0001, 0x03ff, 0x0400, 0x3555, 0x7bff, 0xc000, 0x8001]) expect(toFloat16Bits(fromFloat16Bits(bits))).toBe(bits);
    expect(fromFloat16Bits(0x3555)).toBeCloseTo(0.333251953125, 12);
  });

  it('packs two per word, even elements low', () => {
    const words = packFloat16Words(Uint16Array.from([0x3c00, 0xc000, 0x0001]), 1, 3);
    expect([...new Uint16Array(words.buffer)]).toEqual([0x3c00, 0xc000, 0x0001, 0]);
  });
});
