// The g2p vocabularies: letters (the encoder's input) and phonemes with <BOS>/<EOS> (the
// decoder's input and output), fitted on the training words and saved in every checkpoint.
// Kept apart from g2p-data.ts so the browser entry (browser.ts) reads a checkpoint's vocabularies
// without pulling in the CLI's error types or the corpus code.

import type { JsonValue } from '@recur/sample-core';
import { Vocab } from '@recur/tokenizers';

/** The spellings the model reads: dictionary words are upper case, with apostrophes (O'BRIEN). */
export const WORD_PATTERN = /^[A-Z']+$/;

/** Longest spelling `predict` accepts: far beyond any dictionary word, short enough to decode quickly. */
export const MAX_PREDICT_LETTERS = 40;

/** One word and its pronunciation, as the model and the metrics see them. */
export interface G2pPair {
  readonly word: string;
  readonly phonemes: readonly string[];
}

/** A pair with its ids: letters (no specials) and phonemes (no specials; the model adds them). */
export interface G2pExample extends G2pPair {
  readonly source: Int32Array;
  readonly target: Int32Array;
}

/** The letter and phoneme vocabularies a run encodes with (saved in its checkpoints). */
export class G2pVocab {
  constructor(
    readonly letters: Vocab,
    readonly phonemes: Vocab,
  ) {}

  /** From the training pairs: letters and phonemes in frequency order after the specials. */
  static fit(pairs: readonly G2pPair[]): G2pVocab {
    return new G2pVocab(
      Vocab.build(pairs.map((p) => Array.from(p.word))),
      Vocab.build(
        pairs.map((p) => p.phonemes),
        { bos: true, eos: true },
      ),
    );
  }

  static fromJSON(state: JsonValue | undefined): G2pVocab | null {
    if (state === undefined || state === null || typeof state !== 'object' || Array.isArray(state)) return null;
    return new G2pVocab(Vocab.fromJSON(state.letters, 'checkpoint letters'), Vocab.fromJSON(state.phonemes, 'checkpoint phonemes'));
  }

  toJSON(): JsonValue {
    return { letters: this.letters.toJSON() as unknown as JsonValue, phonemes: this.phonemes.toJSON() as unknown as JsonValue };
  }

  get bosId(): number {
    return this.phonemes.bosId!;
  }

  get eosId(): number {
    return this.phonemes.eosId!;
  }

  encode(pair: G2pPair): G2pExample {
    return { ...pair, source: this.letters.encode(Array.from(pair.word)), target: this.phonemes.encode(pair.phonemes) };
  }

  /** Phoneme ids (without <BOS>/<EOS>) → symbols. */
  decode(ids: readonly number[]): string[] {
    return this.phonemes.decode(ids, { skipSpecials: true });
  }
}
