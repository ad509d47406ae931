import { describe, expect, it } from 'vitest';
import { ValueError } from '@recur/tensor';
import { KneserNey, modifiedKnDiscounts } from './kneser-ney.js';

describe('modified Kneser-Ney discounts', () => {
  it("are Chen & Goodman's D1..D3 from counts of counts", () => {
    // Y = 10/(10 + 2·5) = 0.5; D1 = 1 − 2·0.5·5/10 = 0.5; D2 = 2 − 3·0.5·3/5 = 1.1; D3 = 3 − 4·0.5·2/3 = 5/3.
    const [d1, d2, d3] = modifiedKnDiscounts(10, 5, 3, 2);
    expect(d1).toBeCloseTo(0.5, 12);
    expect(d2).toBeCloseTo(1.1, 12);
    expect(d3).toBeCloseTo(5 / 3, 12);
  });
});

describe('KneserNey', () => {
  // "aabab" over {a, b, c} = ids 0 0 1 0 1, V = 3, order 2, worked by hand:
  // bigram counts aa 1, ab 2, ba 1 → n1 2, n2 1: Y = 1/2, D1 = 1/2, D2 = 2, D3 = 3/2 (no data: half).
  // continuations a 2 (after a, b), b 1, c 0 → n1 1, n2 1: Y = 1/3, D1 = 1/3, D2 = 2.
  // P1: γ = (1/3·1 + 2·1)/3 = 7/9; P1(a) = 0 + 7/27, P1(b) = (2/3)/3 + 7/27 = 13/27, P1(c) = 7/27.
  // P2(·|a): c(a•) 3, γ = (1/2 + 2)/3 = 5/6; a: (1/2)/3 + 5/6·7/27 = 31/81, b: 0 + 5/6·13/27 = 65/162, c: 35/162.
  // P2(·|b): c(b•) 1, γ = 1/2; a: 1/2 + 7/54 = 17/27, b: 13/54, c: 7/54. P2(·|c): unseen, so P1.
  const kn = KneserNey.fit([0, 0, 1, 0, 1], 3, 2);
  const expected: Record<string, number[]> = {
    a: [31 / 81, 65 / 162, 35 / 162],
    b: [17 / 27, 13 / 54, 7 / 54],
    c: [7 / 27, 13 / 27, 7 / 27],
    '': [7 / 27, 13 / 27, 7 / 27],
  };

  it('matches a hand-computed small case', () => {
    for (const [context, probabilities] of Object.entries(expected)) {
      const ids = Array.from(context, (ch) => ch.charCodeAt(0) - 97);
      probabilities.forEach((p, w) => expect(kn.probability(2, ids, w), `P(${'abc'[w]} | ${context})`).toBeCloseTo(p, 12));
    }
  });

  it('sums to 1 over the alphabet for seen, unseen and short contexts at every order', () => {
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
    // A skewed text over 5 symbols, so counts of 1, 2, 3 and more all occur.
    const text = Array.from({ length: 400 }, () => [0, 0, 0, 1, 1, 2, 3, 4][next() % 8]!);
    const model = KneserNey.fit(text, 5, 4);
    const contexts = [[], [0], [4, 4], [0, 0, 1], [1, 2, 3, 4, 0], text.slice(10, 13), text.slice(200, 204), [4, 3, 4]];
    for (let order = 1; order <= 4; order++) {
      for (const context of contexts) {
        let sum = 0;
        for (let w = 0; w < 5; w++) {
          const p = model.probability(order, context, w);
          expect(p).toBeGreaterThan(0);
          sum += p;
        }
        expect(sum, `order ${order}, context ${context.join(',')}`).toBeCloseTo(1, 12);
      }
    }
  });

  it('scores each stream with its own context only, as the LSTM evaluation does', () => {
    const ids = [0, 1, 0, 1, 2, 2, 0, 1, 0];
    // Two streams of ⌊8/2⌋ = 4 targets: ids[1..4] after ids[0…], ids[5..8] after ids[4…].
    let sum = 0;
    for (const start of [0, 4])
      for (let i = 1; i <= 4; i++)
        sum -= Math.log(kn.probability(2, ids.slice(Math.max(start, start + i - 1), start + i), ids[start + i]!));
    expect(kn.meanNll(2, ids, 2)).toBeCloseTo(sum / 8, 12);
  });

  it('rejects ids outside the vocabulary and orders whose keys would not fit a double', () => {
    expect(() => KneserNey.fit([0, 3], 3, 2)).toThrow(ValueError);
    expect(() => KneserNey.fit([0, 1], 78, 9)).toThrow(/order from 1 to 8 for 78 symbols, got 9/);
    expect(() => kn.probability(3, [0], 1)).toThrow(ValueError);
  });
});
