// UTF-8 for JS strings, extended to lone surrogates the way WTF-8 does: a lone surrogate is
// written as its 3-byte form (ED A0..BF xx), which well-formed UTF-8 never contains, so every
// JS string survives string → bytes → string. Invalid bytes decode to U+FFFD like TextDecoder.

import { TokenizerError } from './errors.js';

const REPLACEMENT = 0xfffd;

/**
 * Write the WTF-8 bytes of `text` from the start of `scratch`, or of a larger buffer when it is
 * too small (at most 3 bytes per UTF-16 unit). Returns the buffer used and the byte count.
 */
export function encodeWtf8Into(text: string, scratch: Uint8Array): [Uint8Array, number] {
  const buffer = scratch.length >= text.length * 3 ? scratch : new Uint8Array(text.length * 3 + 64);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      buffer[n++] = code;
      continue;
    }
    if (code < 0x800) {
      buffer[n++] = 0xc0 | (code >> 6);
      buffer[n++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
        buffer[n++] = 0xf0 | (code >> 18);
        buffer[n++] = 0x80 | ((code >> 12) & 0x3f);
        buffer[n++] = 0x80 | ((code >> 6) & 0x3f);
        buffer[n++] = 0x80 | (code & 0x3f);
        continue;
      }
    }
    // Three bytes, lone surrogates included: this is where WTF-8 departs from TextEncoder.
    buffer[n++] = 0xe0 | (code >> 12);
    buffer[n++] = 0x80 | ((code >> 6) & 0x3f);
    buffer[n++] = 0x80 | (code & 0x3f);
  }
  return [buffer, n];
}

/** The WTF-8 bytes of `text` (identical to TextEncoder's UTF-8 when `text` is well-formed). */
export function encodeWtf8(text: string): Uint8Array {
  const [buffer, n] = encodeWtf8Into(text, new Uint8Array(text.length * 3));
  return buffer.slice(0, n);
}

/**
 * Decode bytes; an encoded lone surrogate comes back as that code unit. Anything else that is
 * not UTF-8 becomes U+FFFD per maximal ill-formed subpart, matching TextDecoder (WHATWG).
 */
export function decodeWtf8(bytes: ArrayLike<number>, start = 0, end = bytes.length): string {
  // Past the end a read is undefined, which would decode as U+FFFD instead of failing.
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > bytes.length) {
    throw new TokenizerError(
      `decodeWtf8: expected integers 0 <= start <= end <= ${bytes.length} (bytes.length), got start ${start}, end ${end}`,
    );
  }
  const units: number[] = [];
  let text = '';
  let i = start;
  while (i < end) {
    const lead = bytes[i]!;
    let code: number;
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead < 0x80) {
      code = lead;
      need = 0;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      code = lead & 0x1f;
      need = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      code = lead & 0x0f;
      need = 2;
      if (lead === 0xe0) lower = 0xa0; // no overlong forms
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      code = lead & 0x07;
      need = 3;
      if (lead === 0xf0) lower = 0x90;
      if (lead === 0xf4) upper = 0x8f; // nothing above U+10FFFF
    } else {
      units.push(REPLACEMENT);
      i++;
      text = flush(units, text);
      continue;
    }
    i++;
    let complete = true;
    for (let k = 0; k < need; k++) {
      const next = i < end ? bytes[i]! : -1;
      if (next < lower || next > upper) {
        complete = false;
        break;
      }
      code = (code << 6) | (next & 0x3f);
      lower = 0x80;
      upper = 0xbf;
      i++;
    }
    if (!complete) {
      units.push(REPLACEMENT);
    } else if (code >= 0x10000) {
      code -= 0x10000;
      units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    } else {
      units.push(code);
    }
    text = flush(units, text);
  }
  return flush(units, text, true);
}

// String.fromCharCode takes its arguments on the stack, so convert in bounded chunks.
function flush(units: number[], text: string, force = false): string {
  if (units.length < 4096 && !force) return text;
  const chunk = String.fromCharCode(...units);
  units.length = 0;
  return text + chunk;
}
