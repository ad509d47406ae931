// TF-IDF over word 1- and 2-grams, as scikit-learn's TfidfVectorizer computes it by default:
// tf = the raw count of a term in a document, idf(t) = ln((1 + n) / (1 + df(t))) + 1 with n the
// training documents and df(t) those containing t (fitted on training documents only), and each
// document's vector scaled to unit L2 norm. Vectors are sparse: sorted term indices and values.

import { ValueError } from '@recur/tensor';

export interface SparseVector {
  /** Term indices, ascending. */
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** The document's n-grams for n = 1 … maxN, words joined by a space. */
export function nGrams(tokens: readonly string[], maxN: number): string[] {
  const grams: string[] = [];
  for (let n = 1; n <= maxN; n++) for (let i = 0; i + n <= tokens.length; i++) grams.push(tokens.slice(i, i + n).join(' '));
  return grams;
}

export class TfidfVectorizer {
  readonly #index = new Map<string, number>();
  #idf = new Float64Array(0);

  constructor(readonly maxN = 2) {
    if (!Number.isInteger(maxN) || maxN < 1) throw new ValueError(`TfidfVectorizer: expected maxN a positive integer, got ${maxN}`);
  }

  get features(): number {
    return this.#idf.length;
  }

  /** Learn the vocabulary and idf from tokenised training documents, and return their vectors. */
  fitTransform(documents: readonly (readonly string[])[]): SparseVector[] {
    if (documents.length === 0) throw new ValueError('TfidfVectorizer.fitTransform: expected at least one document, got none');
    const df: number[] = [];
    for (const tokens of documents) {
      for (const gram of new Set(nGrams(tokens, this.maxN))) {
        let id = this.#index.get(gram);
        if (id === undefined) {
          id = df.length;
          this.#index.set(gram, id);
          df.push(0);
        }
        df[id]!++;
      }
    }
    const n = documents.length;
    this.#idf = Float64Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1);
    return documents.map((tokens) => this.transform(tokens));
  }

  /** One document's vector; n-grams never seen in training are ignored. */
  transform(tokens: readonly string[]): SparseVector {
    if (this.#idf.length === 0) throw new ValueError('TfidfVectorizer.transform: call fitTransform first');
    const counts = new Map<number, number>();
    for (const gram of nGrams(tokens, this.maxN)) {
      const id = this.#index.get(gram);
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const indices = Int32Array.from(counts.keys()).sort();
    const values = Float64Array.from(indices, (id) => counts.get(id)! * this.#idf[id]!);
    let squares = 0;
    for (const v of values) squares += v * v;
    const norm = Math.sqrt(squares);
    if (norm > 0) for (let k = 0; k < values.length; k++) values[k]! /= norm;
    return { indices, values };
  }
}
