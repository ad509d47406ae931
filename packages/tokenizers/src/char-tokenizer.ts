// Character tokenizer: one token per Unicode code point (not per UTF-16 unit), so astral
// characters such as emoji stay whole; a lone surrogate is its own token. Exact round trip.

import { checkOptions } from './options.js';

/** What every text tokenizer here offers: text → token strings and back. */
export interface TextTokenizer {
  tokenize(text: string): string[];
  detokenize(tokens: readonly string[]): string;
}

export interface CharTokenizerOptions {
  /** Lower-case the text first (the case is then gone from the round trip). Default false. */
  lowercase?: boolean;
}

export class CharTokenizer implements TextTokenizer {
  readonly lowercase: boolean;

  constructor(options: CharTokenizerOptions = {}) {
    checkOptions('CharTokenizer', options, ['lowercase']);
    this.lowercase = options.lowercase ?? false;
  }

  tokenize(text: string): string[] {
    return Array.from(this.lowercase ? text.toLowerCase() : text);
  }

  /** `detokenize(tokenize(text)) === text` for every string when `lowercase` is off. */
  detokenize(tokens: readonly string[]): string {
    return tokens.join('');
  }
}
