// Characters ↔ ids. The vocabulary is the training text's characters seen at least minCount
// times, most frequent first, after id 0, which stands for every rarer or unseen character
// (shown as '\u2047' when generated). It serialises to JSON so checkpoints carry it.

import type { JsonValue } from '@recur/sample-core';

export const UNKNOWN_CHAR = '\u2047';

export class CharVocab {
  readonly #ids = new Map<string, number>();

  /** chars[0] is the unknown placeholder. */
  constructor(readonly chars: readonly string[]) {
    chars.forEach((c, i) => this.#ids.set(c, i));
  }

  static fit(text: string, minCount: number): CharVocab {
    const counts = new Map<string, number>();
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    const kept = [...counts].filter(([c, n]) => n >= minCount && c !== UNKNOWN_CHAR).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return new CharVocab([UNKNOWN_CHAR, ...kept.map(([c]) => c)]);
  }

  static fromJSON(state: JsonValue | undefined): CharVocab | null {
    const saved = state as { chars?: unknown } | null | undefined;
    if (!saved || typeof saved !== 'object' || !Array.isArray(saved.chars)) return null;
    if (!saved.chars.every((c) => typeof c === 'string')) return null;
    return new CharVocab(saved.chars as string[]);
  }

  get size(): number {
    return this.chars.length;
  }

  encode(text: string): Int32Array<ArrayBuffer> {
    return Int32Array.from(Array.from(text), (c) => this.#ids.get(c) ?? 0);
  }

  decode(ids: ArrayLike<number>): string {
    return Array.from(ids as ArrayLike<number>, (id) => this.chars[id] ?? UNKNOWN_CHAR).join('');
  }

  toJSON(): JsonValue {
    return { chars: [...this.chars] };
  }
}

/**
 * Per-character negative log-likelihoods of a unigram model: training counts with add-one
 * smoothing, so a character the training text never shows still has a probability.
 */
export function unigramNll(train: Int32Array, vocabSize: number): Float64Array {
  const counts = new Float64Array(vocabSize).fill(1);
  for (const id of train) counts[id]! += 1;
  const total = train.length + vocabSize;
  return counts.map((n) => -Math.log(n / total));
}
