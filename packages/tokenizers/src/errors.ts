// Typed errors for @recur/tokenizers. Messages say what was expected and what came; file errors
// also say where (`tokenizer.json: model.merges[12] must be "left right", got "abc"`).

/** Base class: misuse of a tokenizer (bad option, id outside the vocabulary, missing special). */
export class TokenizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Malformed data from outside: a vocab or tokenizer.json that is not valid JSON or not the expected shape. */
export class FormatError extends TokenizerError {}
