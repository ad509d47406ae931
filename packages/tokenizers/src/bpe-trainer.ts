// Byte-level BPE training: count pre-tokenized words while streaming the corpus, then merge
// the most frequent adjacent pair until the vocabulary is full. Ties go to the pair whose
// (left, right) strings sort first, so the result depends on the word counts alone.

import { AddedTokenMatcher } from './added-tokens.js';
import { BYTE_ALPHABET, BYTE_TO_CHAR, preTokenize } from './byte-level.js';
import { TokenizerError } from './errors.js';
import { checkOptions } from './options.js';
import { MinHeap } from './min-heap.js';
import { encodeWtf8 } from './wtf8.js';

export interface BpeTrainOptions {
  /** Final vocabulary size: specials + 256 byte symbols + merged tokens. */
  vocabSize: number;
  /** Pairs seen fewer times than this are never merged. Default 2. */
  minFrequency?: number;
  /** Added tokens with ids 0, 1, …; they are cut out of the corpus and never merged into. */
  specials?: readonly string[];
}

/** What training produced: tokens in id order and the merges in the order they were learned. */
export interface LearnedBpe {
  tokens: string[];
  merges: [string, string][];
}

/** Counts of pre-tokenized pieces. Only distinct pieces are kept, never the corpus itself. */
export class WordCounter {
  readonly counts = new Map<string, number>();
  private readonly specials: AddedTokenMatcher;

  constructor(specials: readonly string[] = []) {
    this.specials = new AddedTokenMatcher(specials.map((content, id) => ({ id, content, special: true })));
  }

  /** Count one item of the corpus. Pieces never span two items, so pass lines with their `\n`. */
  add(text: string): void {
    this.specials.split(
      text,
      (stretch) => {
        for (const piece of preTokenize(stretch, true)) this.counts.set(piece, (this.counts.get(piece) ?? 0) + 1);
      },
      () => {},
    );
  }
}

// Pair (left, right) of ids as one number; ids stay below 2^26 so the key is exact in a double.
const PAIR_BASE = 2 ** 26;

interface Candidate {
  key: number;
  count: number;
}

/** Learn merges from piece counts (the output of `WordCounter`). */
export function learnBpe(counts: ReadonlyMap<string, number>, options: BpeTrainOptions): LearnedBpe {
  checkOptions('BPE.train', options, ['vocabSize', 'minFrequency', 'specials']);
  const specials = options.specials ?? [];
  const minFrequency = options.minFrequency ?? 2;
  const vocabSize = options.vocabSize;
  const base = specials.length + 256;
  if (!Number.isInteger(vocabSize) || vocabSize < base || vocabSize >= PAIR_BASE) {
    throw new TokenizerError(
      `BPE.train: vocabSize must be an integer from ${base} (specials + 256 bytes) to ${PAIR_BASE - 1}, got ${vocabSize}`,
    );
  }
  const tokens: string[] = [];
  const idByToken = new Map<string, number>();
  const addToken = (token: string, what: string): number => {
    if (idByToken.has(token)) throw new TokenizerError(`BPE.train: ${what} ${JSON.stringify(token)} is already a token`);
    idByToken.set(token, tokens.length);
    tokens.push(token);
    return tokens.length - 1;
  };
  for (const special of specials) {
    if (special.length === 0) throw new TokenizerError('BPE.train: specials must be non-empty strings');
    addToken(special, 'special');
  }
  const byteId = new Int32Array(256);
  for (const byte of BYTE_ALPHABET) byteId[byte] = addToken(BYTE_TO_CHAR[byte]!, 'byte symbol');

  const words: number[][] = [];
  const wordCounts: number[] = [];
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  for (const [piece, count] of counts) {
    const symbols = Array.from(encodeWtf8(piece), (byte) => byteId[byte]!);
    const w = words.length;
    words.push(symbols);
    wordCounts.push(count);
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = symbols[i]! * PAIR_BASE + symbols[i + 1]!;
      pairCount.set(key, (pairCount.get(key) ?? 0) + count);
      noteWord(pairWords, key, w);
    }
  }

  const before = (a: Candidate, b: Candidate): boolean => {
    if (a.count !== b.count) return a.count > b.count;
    const aLeft = tokens[Math.floor(a.key / PAIR_BASE)]!;
    const bLeft = tokens[Math.floor(b.key / PAIR_BASE)]!;
    if (aLeft !== bLeft) return aLeft < bLeft;
    return tokens[a.key % PAIR_BASE]! < tokens[b.key % PAIR_BASE]!;
  };
  // Counts of existing pairs only fall after a merge, so stale heap entries are fixed lazily
  // when they surface; pairs that gain count are pushed again with their new count.
  const heap = new MinHeap<Candidate>(before);
  for (const [key, count] of pairCount) heap.push({ key, count });

  const merges: [string, string][] = [];
  const seenInStep = new Int32Array(words.length).fill(-1);
  while (tokens.length < vocabSize) {
    const top = heap.pop();
    if (top === undefined) break;
    const current = pairCount.get(top.key) ?? 0;
    if (current !== top.count) {
      if (current > 0) heap.push({ key: top.key, count: current });
      continue;
    }
    if (current < minFrequency) break;
    const left = Math.floor(top.key / PAIR_BASE);
    const right = top.key % PAIR_BASE;
    const leftToken = tokens[left]!;
    const rightToken = tokens[right]!;
    const merged = leftToken + rightToken;
    // Two merge paths can spell the same string ("ab"+"c", "a"+"bc"); they share one id.
    const newId = idByToken.get(merged) ?? addToken(merged, 'merge');
    merges.push([leftToken, rightToken]);
    const touched = new Set<number>();
    const step = merges.length;
    for (const w of pairWords.get(top.key) ?? []) {
      if (seenInStep[w] === step) continue;
      seenInStep[w] = step;
      const old = words[w]!;
      const next = mergeWord(old, left, right, newId);
      if (next === undefined) continue;
      const count = wordCounts[w]!;
      for (let i = 0; i + 1 < old.length; i++) {
        const key = old[i]! * PAIR_BASE + old[i + 1]!;
        const remaining = pairCount.get(key)! - count;
        if (remaining > 0) pairCount.set(key, remaining);
        else pairCount.delete(key);
      }
      for (let i = 0; i + 1 < next.length; i++) {
        const key = next[i]! * PAIR_BASE + next[i + 1]!;
        pairCount.set(key, (pairCount.get(key) ?? 0) + count);
        if (next[i] === newId || next[i + 1] === newId) {
          touched.add(key);
          noteWord(pairWords, key, w);
        }
      }
      words[w] = next;
    }
    pairWords.delete(top.key);
    for (const key of touched) {
      const count = pairCount.get(key);
      if (count !== undefined) heap.push({ key, count });
    }
  }
  return { tokens, merges };
}

/** `symbols` with each left-to-right occurrence of (left, right) fused, or undefined if none. */
function mergeWord(symbols: number[], left: number, right: number, merged: number): number[] | undefined {
  let out: number[] | undefined;
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out ??= symbols.slice(0, i);
      out.push(merged);
      i++;
    } else if (out !== undefined) {
      out.push(symbols[i]!);
    }
  }
  return out;
}

function noteWord(pairWords: Map<number, number[]>, key: number, word: number): void {
  const list = pairWords.get(key);
  if (list === undefined) pairWords.set(key, [word]);
  else if (list[list.length - 1] !== word) list.push(word);
}
