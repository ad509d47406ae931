import { describe, expect, it } from 'vitest';
import { ValueError } from '@recur/tensor';
import { anyMatchMetrics, pronunciationsByWord } from './g2p-any-match.js';

describe('any-match scoring', () => {
  // A toy dictionary: READ has two pronunciations, LIVE two, CAT one.
  const records = [
    { word: 'READ', variant: 0, phonemes: ['R', 'IY1', 'D'] },
    { word: 'READ', variant: 1, phonemes: ['R', 'EH1', 'D'] },
    { word: 'LIVE', variant: 0, phonemes: ['L', 'IH1', 'V'] },
    { word: 'LIVE', variant: 1, phonemes: ['L', 'AY1', 'V'] },
    { word: 'LIVE', variant: 2, phonemes: ['L', 'AY0', 'V'] },
    { word: 'CAT', variant: 0, phonemes: ['K', 'AE1', 'T'] },
    { word: 'A.M.', variant: 0, phonemes: ['EY1', 'EH1', 'M'] },
  ];

  it('lists distinct pronunciations per word; without stress, variants differing only in stress merge', () => {
    const stressed = pronunciationsByWord(records, true);
    expect(stressed.get('LIVE')).toHaveLength(3);
    const plain = pronunciationsByWord(records, false);
    expect(plain.get('LIVE')).toEqual([
      ['L', 'IH', 'V'],
      ['L', 'AY', 'V'],
    ]);
    expect(plain.has('A.M.')).toBe(false);
  });

  it('counts a word right when it matches any pronunciation, and phoneme errors against the closest', () => {
    const listed = pronunciationsByWord(records, false);
    const words = ['READ', 'LIVE', 'CAT'];
    // READ → R EH D: the second pronunciation, right. LIVE → L AY F: one substitution from L AY V
    // (two from L IH V). CAT → K AH T: one substitution.
    const hypotheses = [
      ['R', 'EH', 'D'],
      ['L', 'AY', 'F'],
      ['K', 'AH', 'T'],
    ];
    const scores = anyMatchMetrics(
      words.map((w) => listed.get(w)!),
      hypotheses,
    );
    expect(scores.wer_any).toBeCloseTo(2 / 3, 12);
    expect(scores.per_any).toBeCloseTo((0 + 1 + 1) / (3 + 3 + 3), 12);
    // Against the first pronunciation alone READ would be wrong too and LIVE two errors away.
    const first = anyMatchMetrics(
      words.map((w) => [listed.get(w)![0]!]),
      hypotheses,
    );
    expect(first.wer_any).toBe(1);
    expect(first.per_any).toBeCloseTo((1 + 2 + 1) / 9, 12);
  });

  it('divides by the length of the closest pronunciation', () => {
    // Closest is the 2-phoneme one (distance 0), so PER_any = 0 / 2 even though the first has 3.
    expect(
      anyMatchMetrics(
        [
          [
            ['A', 'B', 'C'],
            ['A', 'B'],
          ],
        ],
        [['A', 'B']],
      ),
    ).toEqual({ per_any: 0, wer_any: 0 });
    expect(
      anyMatchMetrics(
        [
          [
            ['A', 'B', 'C'],
            ['X', 'Y'],
          ],
        ],
        [['A', 'B']],
      ).per_any,
    ).toBeCloseTo(1 / 3, 12);
  });

  it('rejects mismatched lengths and words with no reference', () => {
    expect(() => anyMatchMetrics([[['A']]], [])).toThrow(ValueError);
    expect(() => anyMatchMetrics([[]], [['A']])).toThrow(/no reference/);
  });
});
