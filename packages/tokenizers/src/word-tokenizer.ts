// Word tokenizer: runs of letters/digits/marks are words, each punctuation or symbol code point
// is a token, each Han/Hiragana/Katakana character is a token, whitespace separates tokens.

import type { TextTokenizer } from './char-tokenizer.js';
import { checkOptions } from './options.js';

export interface WordTokenizerOptions {
  /** Lower-case the text before splitting, as the seed's text classifier does. Default false. */
  lowercase?: boolean;
}

/**
 * Tokens plus the whitespace around them: `separators[i]` precedes `tokens[i]` and
 * `separators[tokens.length]` trails, so `separators.length === tokens.length + 1`.
 */
export interface Segmentation {
  tokens: string[];
  separators: string[];
}

// Han, kana and the kana length mark: scripts written without spaces, so each character is a
// word-sized unit. Hangul is left to the word rule because Korean puts spaces between words.
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u30FC';
// Trailing combining marks (\p{M}: accents, variation selectors) stay with the character they
// modify, so a token never starts with a dangling mark unless the text does.
const PIECE = new RegExp(['(\\s+)', `([${CJK}]\\p{M}*)`, `((?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+)`, '([^]\\p{M}*)'].join('|'), 'gu');
// For guessing spacing only: CJK characters and CJK/fullwidth punctuation sit without spaces.
const CJK_LIKE = new RegExp(`^[${CJK}\\u3000-\\u303F\\uFF00-\\uFFEF]`, 'u');
const NO_SPACE_BEFORE = /^[\p{Pe}\p{Pf}.,!?;:%]/u;
const NO_SPACE_AFTER = /[\p{Ps}\p{Pi}]$/u;

export class WordTokenizer implements TextTokenizer {
  readonly lowercase: boolean;

  constructor(options: WordTokenizerOptions = {}) {
    checkOptions('WordTokenizer', options, ['lowercase']);
    this.lowercase = options.lowercase ?? false;
  }

  /** The tokens, whitespace dropped: `'循环（RNN）'` → `['循', '环', '（', 'RNN', '）']`. */
  tokenize(text: string): string[] {
    return this.segment(text).tokens;
  }

  /**
   * Tokens with the whitespace between them. `detokenize(segment(text))` gives back `text`
   * exactly (its lower-cased form when `lowercase` is on): words lose nothing but the case.
   */
  segment(text: string): Segmentation {
    const source = this.lowercase ? text.toLowerCase() : text;
    const tokens: string[] = [];
    const separators: string[] = [];
    let pending = '';
    for (const match of source.matchAll(PIECE)) {
      if (match[1] !== undefined) {
        pending += match[1];
      } else {
        separators.push(pending);
        tokens.push(match[0]);
        pending = '';
      }
    }
    separators.push(pending);
    return { tokens, separators };
  }

  /**
   * From a `Segmentation`: the exact text. From bare tokens, whose spacing is gone: a readable
   * guess (single spaces, none around CJK characters, before closing or after opening punctuation).
   */
  detokenize(input: readonly string[] | Segmentation): string {
    if (!isSegmentation(input)) return guessSpacing(input);
    const { tokens, separators } = input;
    let text = separators[0] ?? '';
    for (let i = 0; i < tokens.length; i++) text += tokens[i] + (separators[i + 1] ?? '');
    return text;
  }
}

function isSegmentation(input: readonly string[] | Segmentation): input is Segmentation {
  return !Array.isArray(input);
}

function guessSpacing(tokens: readonly string[]): string {
  let text = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (i > 0) {
      const previous = tokens[i - 1]!;
      const tight = (CJK_LIKE.test(previous) && CJK_LIKE.test(token)) || NO_SPACE_BEFORE.test(token) || NO_SPACE_AFTER.test(previous);
      if (!tight) text += ' ';
    }
    text += token;
  }
  return text;
}
