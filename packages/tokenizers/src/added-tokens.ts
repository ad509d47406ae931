// Added (special) tokens such as `<|endoftext|>`: whole strings with fixed ids that are cut out
// of the text before byte-level pre-tokenization, as Hugging Face tokenizers does.

/** An entry of tokenizer.json's `added_tokens`. Matching is by exact content. */
export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens are dropped by `decode(ids, { skipSpecials: true })`. */
  special: boolean;
}

export class AddedTokenMatcher {
  private readonly pattern: RegExp | undefined;
  private readonly idByContent = new Map<string, number>();

  constructor(tokens: readonly AddedToken[]) {
    for (const token of tokens) this.idByContent.set(token.content, token.id);
    const contents = [...this.idByContent.keys()].filter((content) => content.length > 0);
    // Longest first, so `<|end|>` never wins over `<|endoftext|>` where both start.
    contents.sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    const escaped = contents.map((content) => content.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'));
    // The `u` flag keeps matches on code point boundaries, so a surrogate pair is never cut.
    this.pattern = contents.length > 0 ? new RegExp(escaped.join('|'), 'gu') : undefined;
  }

  /** Call `text` for each stretch of ordinary text and `token` for each added token, in order. */
  split(text: string, onText: (piece: string) => void, onToken: (id: number) => void): void {
    if (this.pattern === undefined) {
      if (text.length > 0) onText(text);
      return;
    }
    let last = 0;
    for (const match of text.matchAll(this.pattern)) {
      const index = match.index!;
      if (index > last) onText(text.slice(last, index));
      onToken(this.idByContent.get(match[0])!);
      last = index + match[0].length;
    }
    if (last < text.length) onText(text.slice(last));
  }
}
