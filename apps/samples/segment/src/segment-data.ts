// Text → tagging examples. Words are runs of letters (with inner apostrophes), runs of digits,
// or single punctuation marks; consecutive words are packed into examples of at most maxLen
// characters with the spaces dropped, each character tagged 1 (begins a word) or 0 (inside).
// Characters map to ids through a vocabulary learned from the training text (0 pad, 1 unknown).

import type { JsonValue } from '@recur/sample-core';

export const TAG_INSIDE = 0;
export const TAG_BEGIN = 1;

export interface TaggedText {
  readonly text: string;
  /** One tag per character (per code point) of `text`. */
  readonly tags: Uint8Array;
}

const WORD = /[A-Za-z]+(?:['’][A-Za-z]+)*|[0-9]+|[^\sA-Za-z0-9]/gu;

export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Pack a text's words, in order, into tagged examples of at most maxLen characters. */
export function taggedExamples(text: string, maxLen: number): TaggedText[] {
  const out: TaggedText[] = [];
  let chars: string[] = [];
  let tags: number[] = [];
  const flush = () => {
    if (chars.length > 0) out.push({ text: chars.join(''), tags: Uint8Array.from(tags) });
    chars = [];
    tags = [];
  };
  for (const word of words(text)) {
    // A word longer than maxLen is cut, so no example ever exceeds it.
    const letters = Array.from(word).slice(0, maxLen);
    if (chars.length + letters.length > maxLen) flush();
    letters.forEach((c, i) => {
      chars.push(c);
      tags.push(i === 0 ? TAG_BEGIN : TAG_INSIDE);
    });
  }
  flush();
  return out;
}

/** BIO tags for chunkF1: every word is one chunk of type W. */
export function bioTags(tags: ArrayLike<number>): string[] {
  return Array.from(tags as ArrayLike<number>, (t) => (t === TAG_BEGIN ? 'B-W' : 'I-W'));
}

export class SegmentVocab {
  readonly #ids = new Map<string, number>();

  /** chars[0] is padding and chars[1] the unknown character; neither occurs in text. */
  constructor(readonly chars: readonly string[]) {
    chars.forEach((c, i) => {
      if (i >= 2) this.#ids.set(c, i);
    });
  }

  static fit(texts: readonly string[], minCount: number): SegmentVocab {
    const counts = new Map<string, number>();
    for (const text of texts) for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    const kept = [...counts].filter(([, n]) => n >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return new SegmentVocab(['<pad>', '<unk>', ...kept.map(([c]) => c)]);
  }

  static fromJSON(state: JsonValue | undefined): SegmentVocab | null {
    const saved = state as { chars?: unknown } | null | undefined;
    if (!saved || typeof saved !== 'object' || !Array.isArray(saved.chars)) return null;
    if (saved.chars.length < 2 || !saved.chars.every((c) => typeof c === 'string')) return null;
    return new SegmentVocab(saved.chars as string[]);
  }

  get size(): number {
    return this.chars.length;
  }

  encode(text: string): Int32Array<ArrayBuffer> {
    return Int32Array.from(Array.from(text), (c) => this.#ids.get(c) ?? 1);
  }

  toJSON(): JsonValue {
    return { chars: [...this.chars] };
  }
}

/**
 * The baseline: each character on its own decides, as it most often does in the training text,
 * whether it begins a word (punctuation and digits do, most letters do not).
 */
export function unigramRule(train: readonly TaggedText[]): (text: string) => Uint8Array {
  const begins = new Map<string, number>();
  for (const { text, tags } of train) {
    Array.from(text).forEach((c, i) => begins.set(c, (begins.get(c) ?? 0) + (tags[i] === TAG_BEGIN ? 1 : -1)));
  }
  // The first character of an example always begins a word: the rule knows that much.
  return (text) => Uint8Array.from(Array.from(text), (c, i) => (i === 0 || (begins.get(c) ?? 1) > 0 ? TAG_BEGIN : TAG_INSIDE));
}
