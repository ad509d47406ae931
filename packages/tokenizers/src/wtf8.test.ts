// WTF-8: equal to TextEncoder/TextDecoder on well-formed text and on invalid bytes, and
// lone surrogates survive the round trip that TextEncoder turns into U+FFFD.

import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@recur/backend';
import { TokenizerError } from './errors.js';
import { decodeWtf8, encodeWtf8 } from './wtf8.js';

describe('WTF-8', () => {
  it('encodes well-formed text exactly as TextEncoder does', () => {
    const text = 'aé中😀\u0000\u007f\u0080\u07ff\u0800\uffff\u{10000}\u{10ffff}';
    expect(Array.from(encodeWtf8(text))).toEqual(Array.from(new TextEncoder().encode(text)));
    expect(decodeWtf8(encodeWtf8(text))).toBe(text);
  });

  it('writes lone surrogates as their 3-byte form and reads them back', () => {
    expect(Array.from(encodeWtf8('\uD800'))).toEqual([0xed, 0xa0, 0x80]);
    expect(Array.from(encodeWtf8('\uDFFF'))).toEqual([0xed, 0xbf, 0xbf]);
    for (const text of ['\uD800', 'a\uDC00b', '\uDBFF\uDBFF', '\uDC00\uD800', 'x\uD83D']) {
      expect(decodeWtf8(encodeWtf8(text))).toBe(text);
      // TextEncoder loses them, which is why the tokenizers use WTF-8.
      expect(new TextDecoder().decode(new TextEncoder().encode(text))).not.toBe(text);
    }
  });

  it('decodes random bytes like TextDecoder wherever no encoded surrogate is involved', () => {
    const random = mulberry32(7);
    const decoder = new TextDecoder();
    // Bytes drawn mostly from lead and continuation ranges so that ill-formed cases abound.
    const pool = [0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    let compared = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 12) }, () => pool[Math.floor(random() * pool.length)]!);
      const hasSurrogateForm = bytes.some((byte, i) => byte === 0xed && bytes[i + 1]! >= 0xa0 && bytes[i + 1]! <= 0xbf);
      if (hasSurrogateForm) continue;
      expect(decodeWtf8(bytes)).toBe(decoder.decode(bytes));
      compared++;
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it('refuses a range outside the bytes rather than decoding the missing bytes as U+FFFD', () => {
    const bytes = Uint8Array.of(0x61, 0x62);
    expect(decodeWtf8(bytes, 1, 2)).toBe('b');
    expect(() => decodeWtf8(bytes, 0, 3)).toThrow(TokenizerError);
    expect(() => decodeWtf8(bytes, 0, 3)).toThrow(
      'decodeWtf8: expected integers 0 <= start <= end <= 2 (bytes.length), got start 0, end 3',
    );
    expect(() => decodeWtf8(bytes, -1)).toThrow(TokenizerError);
    expect(() => decodeWtf8(bytes, 2, 1)).toThrow(TokenizerError);
    expect(() => decodeWtf8(bytes, 0.5)).toThrow(TokenizerError);
  });

  it('decodes long inputs in chunks without overflowing the argument stack', () => {
    const text = '中'.repeat(200_000);
    expect(decodeWtf8(encodeWtf8(text))).toBe(text);
  });
});
