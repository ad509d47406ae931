// Parse JSON text with syntax errors located by line and column. JSON.parse's own messages
// carry no position on every engine, so on failure a small scanner finds the first bad offset.

import { FormatError } from './errors.js';

/** `JSON.parse(text)`, or a FormatError like `vocab.json: not valid JSON at line 3, column 14: …`. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = jsonErrorOffset(text);
    let where = '';
    if (offset !== undefined) {
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${column}`;
    }
    throw new FormatError(`${source}: not valid JSON${where}: ${message}`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Offset of the first character that breaks JSON's grammar, or undefined if none is found. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string): boolean => {
    for (const char of word) {
      if (text[i] !== char) return false;
      i++;
    }
    return true;
  };
  const string = (): boolean => {
    i++; // opening quote
    while (i < text.length) {
      const char = text[i]!;
      if (char === '"') {
        i++;
        return true;
      }
      if (char === '\\') {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) return false;
        } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i]!)) i++;
        else return false;
      } else if (char.charCodeAt(0) < 0x20) return false;
      else i++;
    }
    return false;
  };
  const sequence = (close: string, item: () => boolean): boolean => {
    i++; // opening bracket
    skipSpace();
    if (text[i] === close) {
      i++;
      return true;
    }
    for (;;) {
      if (!item()) return false;
      skipSpace();
      if (text[i] === ',') i++;
      else if (text[i] === close) {
        i++;
        return true;
      } else return false;
    }
  };
  const value = (): boolean => {
    skipSpace();
    const char = text[i];
    if (char === '{') {
      return sequence('}', () => {
        skipSpace();
        if (text[i] !== '"' || !string()) return false;
        skipSpace();
        if (text[i] !== ':') return false;
        i++;
        return value();
      });
    }
    if (char === '[') return sequence(']', value);
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) return false;
    i = NUMBER.lastIndex;
    return true;
  };
  try {
    if (!value()) return i;
    skipSpace();
    return i < text.length ? i : undefined;
  } catch {
    return undefined; // nesting deeper than the stack: report without a position
  }
}
