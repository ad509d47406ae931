// Message text → token ids. The body only (headers give spam away too easily), its first
// maxTokens tokens: lower-cased words through a Vocab (<PAD>=0, <UNK>=1), or byte-level BPE
// with <pad> as id 0. The encoder serialises to JSON so checkpoints carry it.

import { BPE, Vocab, WordTokenizer } from '@recur/tokenizers';
import type { JsonValue } from '@recur/sample-core';

/** Characters read per kept token: enough for words and markup, without tokenizing megabytes. */
const CHARS_PER_TOKEN = 16;
const BPE_PAD = '<pad>';

export interface TextEncoder {
  readonly kind: 'word' | 'bpe';
  readonly vocabSize: number;
  /** Ids of the first `maxTokens` tokens; never empty (an empty body becomes one <UNK>/byte). */
  encode(text: string, maxTokens: number): Int32Array;
  /** The text of each token `encode` returns, one per id (a word, even an unknown one; a BPE piece). */
  pieces(text: string, maxTokens: number): string[];
  toJSON(): JsonValue;
}

const prefix = (text: string, maxTokens: number) => text.slice(0, maxTokens * CHARS_PER_TOKEN);

class WordEncoder implements TextEncoder {
  readonly kind = 'word';
  readonly #words = new WordTokenizer({ lowercase: true });

  constructor(readonly vocab: Vocab) {}

  get vocabSize(): number {
    return this.vocab.size;
  }

  tokens(text: string, maxTokens: number): string[] {
    return this.#words.tokenize(prefix(text, maxTokens)).slice(0, maxTokens);
  }

  encode(text: string, maxTokens: number): Int32Array {
    const ids = this.vocab.encode(this.tokens(text, maxTokens));
    return ids.length > 0 ? ids : Int32Array.of(this.vocab.idOf('<UNK>'));
  }

  pieces(text: string, maxTokens: number): string[] {
    const tokens = this.tokens(text, maxTokens);
    return tokens.length > 0 ? tokens : ['<UNK>'];
  }

  toJSON(): JsonValue {
    return { kind: 'word', vocab: this.vocab.toJSON() as unknown as JsonValue };
  }
}

class BpeEncoder implements TextEncoder {
  readonly kind = 'bpe';

  constructor(readonly bpe: BPE) {}

  get vocabSize(): number {
    return this.bpe.vocabSize;
  }

  encode(text: string, maxTokens: number): Int32Array {
    const ids = this.bpe.encode(prefix(text, maxTokens)).slice(0, maxTokens);
    return ids.length > 0 ? ids : this.bpe.encode(' ');
  }

  pieces(text: string, maxTokens: number): string[] {
    return Array.from(this.encode(text, maxTokens), (id) => this.bpe.decode([id]));
  }

  toJSON(): JsonValue {
    return { kind: 'bpe', bpe: this.bpe.toJSON() as unknown as JsonValue };
  }
}

/** Learn the encoder from the training bodies. */
export function fitEncoder(kind: string, texts: readonly string[], vocabSize: number, maxTokens: number): TextEncoder {
  if (kind === 'bpe') {
    const bpe = BPE.trainSync(
      texts.map((text) => prefix(text, maxTokens)),
      { vocabSize, specials: [BPE_PAD] },
    );
    return new BpeEncoder(bpe);
  }
  const words = new WordTokenizer({ lowercase: true });
  const vocab = Vocab.build(
    texts.map((text) => words.tokenize(prefix(text, maxTokens)).slice(0, maxTokens)),
    { maxSize: vocabSize, minFreq: 2 },
  );
  return new WordEncoder(vocab);
}

/** The encoder a checkpoint saved (toJSON), or null when `state` holds none. */
export function encoderFromJSON(state: JsonValue | undefined): TextEncoder | null {
  const saved = state as { kind?: string; vocab?: unknown; bpe?: unknown } | null | undefined;
  if (!saved || typeof saved !== 'object') return null;
  if (saved.kind === 'word' && saved.vocab) return new WordEncoder(Vocab.fromJSON(saved.vocab, 'checkpoint vocab'));
  if (saved.kind === 'bpe' && saved.bpe) return new BpeEncoder(BPE.fromJSON(saved.bpe, 'checkpoint tokenizer'));
  return null;
}
