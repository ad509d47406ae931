// The baseline a g2p model must beat: spell each letter as the phoneme it most often stands for.
// The letter → phoneme counts come from the training words whose letter and phoneme counts agree,
// read position by position (CAT → K AE T gives C→K, A→AE, T→T); in such words the alignment is
// almost always one to one, so no aligner is needed. A letter never seen that way falls back to
// the most frequent phoneme overall. Every letter gives exactly one phoneme.

import type { G2pPair } from './g2p-data.js';

export interface LetterRules {
  /** letter → its most frequent aligned phoneme. */
  readonly byLetter: Readonly<Record<string, string>>;
  /** For letters with no aligned example. */
  readonly fallback: string;
  /** Training words the counts came from. */
  readonly alignedWords: number;
}

/** Most frequent key of a count map; ties go to the key counted first. */
function mostFrequent(counts: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const [key, count] of counts) {
    if (count > bestCount) [best, bestCount] = [key, count];
  }
  return best;
}

export function fitLetterRules(pairs: readonly G2pPair[]): LetterRules {
  const counts = new Map<string, Map<string, number>>();
  const overall = new Map<string, number>();
  let alignedWords = 0;
  for (const { word, phonemes } of pairs) {
    if (word.length !== phonemes.length) continue;
    alignedWords++;
    for (let i = 0; i < word.length; i++) {
      const letter = word[i]!;
      const phoneme = phonemes[i]!;
      let forLetter = counts.get(letter);
      if (!forLetter) counts.set(letter, (forLetter = new Map()));
      forLetter.set(phoneme, (forLetter.get(phoneme) ?? 0) + 1);
      overall.set(phoneme, (overall.get(phoneme) ?? 0) + 1);
    }
  }
  const byLetter: Record<string, string> = {};
  for (const [letter, forLetter] of counts) byLetter[letter] = mostFrequent(forLetter)!;
  return { byLetter, fallback: mostFrequent(overall) ?? 'AH', alignedWords };
}

export function applyLetterRules(rules: LetterRules, word: string): string[] {
  return Array.from(word, (letter) => rules.byLetter[letter] ?? rules.fallback);
}
