// Scoring against every listed pronunciation, the rule Sequitur and CMUSphinx g2p-seq2seq use on
// CMUdict: a word is right when the output equals any of its pronunciations (WER_any), and its
// phoneme errors are counted against the closest one (PER_any = Σ min_r d(r, h) / Σ |r*|, r* the
// first listed pronunciation reaching the minimum). Stress is whatever the pronunciations carry:
// without stress, variants that differed only in stress are one pronunciation.

import type { CmudictRecord } from '@recur/datasets/corpora/cmudict';
import { editDistance } from '@recur/metrics';
import { ValueError } from '@recur/tensor';
import { phonemeSpelling } from './g2p-data.js';
import { WORD_PATTERN } from './g2p-vocab.js';

/** word → its distinct pronunciations in dictionary order (stress digits kept or dropped). */
export function pronunciationsByWord(records: readonly CmudictRecord[], stress: boolean): Map<string, string[][]> {
  const byWord = new Map<string, string[][]>();
  for (const record of records) {
    if (!WORD_PATTERN.test(record.word)) continue;
    const phonemes = record.phonemes.map((p) => phonemeSpelling(p, stress));
    let listed = byWord.get(record.word);
    if (!listed) byWord.set(record.word, (listed = []));
    if (!listed.some((p) => p.join(' ') === phonemes.join(' '))) listed.push(phonemes);
  }
  return byWord;
}

/** PER_any and WER_any of one hypothesis per word, each word with one or more references. */
export function anyMatchMetrics(
  references: readonly (readonly (readonly string[])[])[],
  hypotheses: readonly (readonly string[])[],
): { per_any: number; wer_any: number } {
  if (references.length !== hypotheses.length)
    throw new ValueError(`anyMatchMetrics: expected one hypothesis per word, got ${hypotheses.length} for ${references.length} words`);
  let errors = 0;
  let length = 0;
  let wrongWords = 0;
  references.forEach((listed, i) => {
    if (listed.length === 0) throw new ValueError(`anyMatchMetrics: word ${i} has no reference pronunciation`);
    let best = Infinity;
    let bestLength = 0;
    for (const reference of listed) {
      const distance = editDistance(reference as string[], hypotheses[i] as string[]);
      if (distance < best) [best, bestLength] = [distance, reference.length];
    }
    errors += best;
    length += bestLength;
    if (best > 0) wrongWords++;
  });
  return { per_any: errors / Math.max(1, length), wer_any: wrongWords / Math.max(1, references.length) };
}
