// Byte-level mutations for loader fuzzing (the classic set from AFL and libFuzzer): bit flips,
// interesting bytes, insertions, deletions, duplications, truncation, splicing with another
// corpus entry, dictionary tokens, invalid UTF-8, deep nesting and hostile numbers.

import type { FuzzRandom } from './random.js';

const encoder = new TextEncoder();

/** Tokens worth inserting into JSON-, CSV- or safetensors-like text. */
export const DEFAULT_DICTIONARY: readonly string[] = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  '\\',
  '\\u0000',
  '\\ud800',
  'null',
  'true',
  'false',
  '-0',
  '0',
  '-1',
  '1e308',
  '1e309',
  '-1e400',
  '9007199254740993',
  '4294967296',
  '2147483648',
  '1.5',
  'NaN',
  'Infinity',
  '"__proto__":',
  '"__proto__":{}',
  '"constructor":',
  '"prototype":',
  '"toString":',
  '"":',
  '\n',
  '\r\n',
  '\r',
  '\t',
  ' ',
  '\u0000',
  '\ufeff',
  '""',
  '"""',
  '#',
  ';',
  '"$tensor":',
  '"$number":"NaN"',
];

/** Single bytes that often sit on a boundary of a parser's decisions. */
const INTERESTING_BYTES = [
  0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x5c, 0x0a, 0x0d, 0x20, 0x30, 0x39, 0x2d, 0x2e, 0x65,
];

/** Byte sequences that are not valid UTF-8: an overlong NUL, a lone surrogate, a stray continuation, a truncated lead. */
const INVALID_UTF8: readonly (readonly number[])[] = [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xf0, 0x9f], [0xff, 0xfe]];

/** Numbers that break naive range and type checks. */
export const HOSTILE_NUMBERS: readonly string[] = [
  '0',
  '-0',
  '-1',
  '1e308',
  '-1e308',
  '1e-320',
  '9007199254740993',
  '4294967295',
  '4294967296',
  '2147483648',
  '-2147483649',
  '1.5',
  '0.1',
  '100000000000000000000',
  '1e15',
  '255',
  '256',
  '65536',
];

export interface ByteMutationOptions {
  /** Other valid inputs to splice with. */
  readonly corpus?: readonly Uint8Array[];
  /** Tokens to insert (default DEFAULT_DICTIONARY). */
  readonly dictionary?: readonly string[];
  /** At most this many mutations stacked on one input (default 4). */
  readonly maxMutations?: number;
}

type ByteMutator = (input: Uint8Array, rng: FuzzRandom, options: ByteMutationOptions) => Uint8Array;

function insert(input: Uint8Array, at: number, bytes: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(input.length + bytes.length);
  out.set(input.subarray(0, at));
  out.set(bytes, at);
  out.set(input.subarray(at), at + bytes.length);
  return out;
}

function remove(input: Uint8Array, at: number, count: number): Uint8Array {
  const out = new Uint8Array(input.length - count);
  out.set(input.subarray(0, at));
  out.set(input.subarray(at + count), at);
  return out;
}

/** Deep nesting as text: `[[[…` or `{"a":{"a":…`, closed (valid JSON) or, unless `closed`, sometimes left open. */
export function nestingText(rng: FuzzRandom, closed = false): string {
  const depth = rng.pick([64, 1000, 5000, 12000]);
  const object = rng.chance(0.5);
  const open = object ? '{"a":'.repeat(depth) : '['.repeat(depth);
  if (!closed && rng.chance(0.3)) return open;
  return `${open}${object ? '1' : ''}${(object ? '}' : ']').repeat(depth)}`;
}

export const BYTE_MUTATORS: Readonly<Record<string, ByteMutator>> = {
  flipBit: (input, rng) => {
    if (input.length === 0) return input;
    const out = input.slice();
    out[rng.below(out.length)]! ^= 1 << rng.below(8);
    return out;
  },
  setByte: (input, rng) => {
    if (input.length === 0) return input;
    const out = input.slice();
    out[rng.below(out.length)] = rng.chance(0.5) ? rng.pick(INTERESTING_BYTES) : rng.below(256);
    return out;
  },
  insertRandom: (input, rng) =>
    insert(
      input,
      rng.below(input.length + 1),
      Array.from({ length: rng.smallSize(16) }, () => rng.below(256)),
    ),
  deleteRange: (input, rng) => {
    if (input.length === 0) return input;
    const at = rng.below(input.length);
    return remove(input, at, Math.min(input.length - at, rng.smallSize(64)));
  },
  duplicateRange: (input, rng) => {
    if (input.length === 0) return input;
    const at = rng.below(input.length);
    const piece = input.slice(at, at + rng.smallSize(64));
    return insert(input, rng.below(input.length + 1), piece);
  },
  truncate: (input, rng) => input.slice(0, rng.below(input.length + 1)),
  splice: (input, rng, options) => {
    const corpus = options.corpus ?? [];
    if (corpus.length === 0) return input;
    const other = rng.pick(corpus);
    const head = input.subarray(0, rng.below(input.length + 1));
    const tail = other.subarray(rng.below(other.length + 1));
    const out = new Uint8Array(head.length + tail.length);
    out.set(head);
    out.set(tail, head.length);
    return out;
  },
  insertToken: (input, rng, options) =>
    insert(input, rng.below(input.length + 1), encoder.encode(rng.pick(options.dictionary ?? DEFAULT_DICTIONARY))),
  invalidUtf8: (input, rng) => insert(input, rng.below(input.length + 1), rng.pick(INVALID_UTF8)),
  deepNesting: (input, rng) => insert(input, rng.below(input.length + 1), encoder.encode(nestingText(rng))),
  hostileNumber: (input, rng) => {
    // Replace a run of digits (if any) by a number that breaks range checks.
    const starts: number[] = [];
    for (let i = 0; i < input.length; i++)
      if (input[i]! >= 0x30 && input[i]! <= 0x39 && !(input[i - 1]! >= 0x30 && input[i - 1]! <= 0x39)) starts.push(i);
    if (starts.length === 0) return input;
    const at = rng.pick(starts);
    let end = at;
    while (end < input.length && ((input[end]! >= 0x30 && input[end]! <= 0x39) || input[end] === 0x2e || input[end] === 0x65)) end++;
    return insert(remove(input, at, end - at), at, encoder.encode(rng.pick(HOSTILE_NUMBERS)));
  },
};

const MUTATOR_NAMES = Object.keys(BYTE_MUTATORS);

/** Apply 1 to maxMutations random byte mutations; returns the new bytes and the names applied. */
export function mutateBytes(
  input: Uint8Array,
  rng: FuzzRandom,
  options: ByteMutationOptions = {},
): { bytes: Uint8Array; applied: string[] } {
  let bytes = input;
  const applied: string[] = [];
  const count = rng.between(1, options.maxMutations ?? 4);
  for (let i = 0; i < count; i++) {
    const name = rng.pick(MUTATOR_NAMES);
    bytes = BYTE_MUTATORS[name]!(bytes, rng, options);
    applied.push(name);
  }
  return { bytes, applied };
}
