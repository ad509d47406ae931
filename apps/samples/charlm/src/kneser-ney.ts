// Interpolated modified Kneser-Ney character n-grams (Chen & Goodman, 1998), the classical
// baseline a character LSTM should beat. For an order-N model, P_n(w | h) over contexts h of
// n − 1 ids is max(c(hw) − D_n(c), 0) / c(h•) + γ(h)·P_{n−1}(w | h′), h′ = h without its first id,
// γ(h) = (D1·N1(h•) + D2·N2(h•) + D3·N3+(h•)) / c(h•), and P_0 = 1/V. The top level counts
// occurrences; lower levels count continuations (how many distinct ids precede the n-gram).
// D1..D3 per level from its counts of counts n1..n4: Y = n1/(n1 + 2n2), D_k = k − (k+1)·Y·n_{k+1}/n_k.

import { ValueError } from '@recur/tensor';

/** Discounts D1, D2, D3+ from counts of counts n1..n4; an estimate the data cannot give is half the count. */
export function modifiedKnDiscounts(n1: number, n2: number, n3: number, n4: number): [number, number, number] {
  const y = n1 / (n1 + 2 * n2);
  const estimate = (k: number, nk: number, next: number) => {
    const d = k - (k + 1) * y * (next / nk);
    // A discount must stay in [0, k] for the probabilities to sum to 1.
    return Number.isFinite(d) ? Math.min(k, Math.max(0, d)) : k / 2;
  };
  return [estimate(1, n1, n2), estimate(2, n2, n3), estimate(3, n3, n4)];
}

/** One level's counts (occurrences or continuations) and, per context, c(h•), N1, N2, N3+. */
interface Level {
  readonly counts: Map<number, number>;
  readonly contexts: Map<number, [total: number, n1: number, n2: number, n3: number]>;
  readonly discounts: [number, number, number];
}

function level(counts: Map<number, number>, vocabSize: number): Level {
  const contexts = new Map<number, [number, number, number, number]>();
  const countOfCounts = [0, 0, 0, 0, 0];
  for (const [key, c] of counts) {
    const context = Math.floor(key / vocabSize);
    let stats = contexts.get(context);
    if (!stats) contexts.set(context, (stats = [0, 0, 0, 0]));
    stats[0] += c;
    stats[Math.min(c, 3)]! += 1;
    if (c <= 4) countOfCounts[c]! += 1;
  }
  return { counts, contexts, discounts: modifiedKnDiscounts(countOfCounts[1]!, countOfCounts[2]!, countOfCounts[3]!, countOfCounts[4]!) };
}

export class KneserNey {
  /** occurrences[n − 1]: n-gram counts; continuations[n − 1]: distinct predecessors of each n-gram. */
  readonly #occurrences: Level[];
  readonly #continuations: Level[];

  private constructor(
    readonly vocabSize: number,
    readonly maxOrder: number,
    occurrences: Level[],
    continuations: Level[],
  ) {
    this.#occurrences = occurrences;
    this.#continuations = continuations;
  }

  /** The largest order whose n-grams fit a double exactly as base-V numbers (V^N ≤ 2^53). */
  static maxOrderFor(vocabSize: number): number {
    return Math.max(1, Math.floor((53 * Math.LN2) / Math.log(Math.max(2, vocabSize))));
  }

  /** Counts for every order up to `maxOrder` over `ids` (one running text, ids in [0, V)). */
  static fit(ids: ArrayLike<number>, vocabSize: number, maxOrder: number): KneserNey {
    if (!Number.isInteger(vocabSize) || vocabSize < 1)
      throw new ValueError(`KneserNey.fit: expected a positive integer vocabulary size, got ${vocabSize}`);
    const limit = KneserNey.maxOrderFor(vocabSize);
    if (!Number.isInteger(maxOrder) || maxOrder < 1 || maxOrder > limit) {
      throw new ValueError(`KneserNey.fit: expected an order from 1 to ${limit} for ${vocabSize} symbols, got ${maxOrder}`);
    }
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
        throw new ValueError(`KneserNey.fit: expected ids in [0, ${vocabSize}), got ${id} at ${i}`);
    }
    const raw = Array.from({ length: maxOrder }, () => new Map<number, number>());
    for (let i = 0; i < ids.length; i++) {
      let key = 0;
      for (let n = 1; n <= maxOrder && i - n + 1 >= 0; n++) {
        // The n-gram ending at i, its first id most significant: key = id[i−n+1]·V^(n−1) + … + id[i].
        key += ids[i - n + 1]! * vocabSize ** (n - 1);
        raw[n - 1]!.set(key, (raw[n - 1]!.get(key) ?? 0) + 1);
      }
    }
    const continuations: Level[] = [];
    for (let n = 1; n < maxOrder; n++) {
      // Each distinct (n+1)-gram v·g adds one predecessor to its suffix g.
      const counts = new Map<number, number>();
      const span = vocabSize ** n;
      for (const key of raw[n]!.keys()) counts.set(key % span, (counts.get(key % span) ?? 0) + 1);
      continuations.push(level(counts, vocabSize));
    }
    return new KneserNey(
      vocabSize,
      maxOrder,
      raw.map((counts) => level(counts, vocabSize)),
      continuations,
    );
  }

  /**
   * P(w | context) under the order-`order` model; only the last order − 1 ids of the context are
   * read, and a shorter context (the start of a text) uses the levels it reaches.
   */
  probability(order: number, context: ArrayLike<number>, word: number): number {
    if (!Number.isInteger(order) || order < 1 || order > this.maxOrder)
      throw new ValueError(`KneserNey.probability: expected an order from 1 to ${this.maxOrder}, got ${order}`);
    if (!Number.isInteger(word) || word < 0 || word >= this.vocabSize)
      throw new ValueError(`KneserNey.probability: expected a word id in [0, ${this.vocabSize}), got ${word}`);
    const V = this.vocabSize;
    const top = Math.min(order, context.length + 1);
    let p = 1 / V;
    let contextKey = 0;
    // Lowest level first: level n reads the last n − 1 context ids.
    for (let n = 1; n <= top; n++) {
      if (n > 1) contextKey += context[context.length - n + 1]! * V ** (n - 2);
      const table = n === order ? this.#occurrences[n - 1]! : this.#continuations[n - 1]!;
      const stats = table.contexts.get(contextKey);
      if (!stats) continue;
      const [total, n1, n2, n3] = stats;
      const [d1, d2, d3] = table.discounts;
      const c = table.counts.get(contextKey * V + word) ?? 0;
      const discount = c === 0 ? 0 : c === 1 ? d1 : c === 2 ? d2 : d3;
      p = Math.max(c - discount, 0) / total + ((d1 * n1 + d2 * n2 + d3 * n3) / total) * p;
    }
    return p;
  }

  /**
   * Mean negative log-likelihood (nats) of the targets charlm's evaluation scores: `ids` cut into
   * `streams` streams of ⌊(n − 1)/streams⌋ + 1 ids, each target read with the context of its own
   * stream only, as the LSTM reads each stream from a zero state.
   */
  meanNll(order: number, ids: ArrayLike<number>, streams: number): number {
    const length = Math.floor((ids.length - 1) / streams);
    let sum = 0;
    const context: number[] = [];
    for (let b = 0; b < streams; b++) {
      const start = b * length;
      for (let i = 1; i <= length; i++) {
        context.length = 0;
        for (let j = Math.max(start, start + i - order + 1); j < start + i; j++) context.push(ids[j]!);
        sum -= Math.log(this.probability(order, context, ids[start + i]!));
      }
    }
    return sum / Math.max(1, streams * length);
  }
}
