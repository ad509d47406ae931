// GPT-2's byte-level scheme: each byte 0..255 gets a printable stand-in character so byte
// strings can be vocabulary keys, and a regex pre-splits text into words, numbers, punctuation
// runs and spaces (a leading space stays on the word: " whale").

/** `BYTE_TO_CHAR[b]` is the printable character standing for byte `b` (GPT-2's bytes_to_unicode). */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** Byte of each stand-in character by char code, -1 for characters that are not stand-ins. */
const CHAR_CODE_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(324).fill(-1);
  BYTE_TO_CHAR.forEach((char, byte) => (table[char.charCodeAt(0)] = byte));
  return table;
})();

/**
 * Bytes in the order of their stand-ins' code points, which is GPT-2's vocabulary order:
 * printable ASCII first, then Latin-1, then the remapped control and space bytes.
 */
export const BYTE_ALPHABET: readonly number[] = [...BYTE_TO_CHAR.keys()].sort(
  (a, b) => BYTE_TO_CHAR[a]!.charCodeAt(0) - BYTE_TO_CHAR[b]!.charCodeAt(0),
);

function buildByteToChar(): string[] {
  const table = new Array<string>(256);
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCharCode(printable(b) ? b : 256 + shifted++);
  }
  return table;
}

/** The stand-in string for `bytes[start, end)`. */
export function bytesToSymbols(bytes: ArrayLike<number>, start = 0, end = bytes.length): string {
  let text = '';
  for (let i = start; i < end; i++) text += BYTE_TO_CHAR[bytes[i]!]!;
  return text;
}

/** The bytes a stand-in string spells, or undefined if it holds a character that is no stand-in. */
export function symbolsToBytes(symbols: string): Uint8Array | undefined {
  const bytes = new Uint8Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    const code = symbols.charCodeAt(i);
    const byte = CHAR_CODE_TO_BYTE[code] ?? -1;
    if (byte < 0) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}

// Unicode White_Space spelled out: JS `\s` also matches U+FEFF and misses U+0085, unlike the
// Oniguruma `\s` that Hugging Face tokenizers runs this pattern with.
const WS = '\\t-\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';

/** GPT-2's split pattern: contractions, ` ?letters`, ` ?digits`, ` ?other`, then whitespace runs. */
export const GPT2_PATTERN = new RegExp(
  `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`,
  'gu',
);

/**
 * Consecutive pieces of `text` whose concatenation is `text`: the regex matches, or the whole
 * text when `useRegex` is off.
 */
export function preTokenize(text: string, useRegex: boolean): string[] {
  if (!useRegex) return text.length > 0 ? [text] : [];
  // `match` is the fastest way to collect the pieces; their lengths adding up to the text's
  // proves there was no gap. The pattern matches every code point, so the slow path that keeps
  // gaps as pieces only guards the round trip.
  const pieces = text.match(GPT2_PATTERN) ?? [];
  let covered = 0;
  for (const piece of pieces) covered += piece.length;
  if (covered === text.length) return pieces;
  const withGaps: string[] = [];
  let last = 0;
  for (const match of text.matchAll(GPT2_PATTERN)) {
    const index = match.index!;
    if (index > last) withGaps.push(text.slice(last, index));
    withGaps.push(match[0]);
    last = index + match[0].length;
  }
  if (last < text.length) withGaps.push(text.slice(last));
  return withGaps;
}
