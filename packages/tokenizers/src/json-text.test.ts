// The JSON error locator: silent on valid JSON, pointing at the first bad character otherwise.

import { describe, expect, it } from 'vitest';
import { FormatError } from './errors.js';
import { jsonErrorOffset, parseJsonText } from './json-text.js';

describe('jsonErrorOffset', () => {
  it('finds nothing wrong in valid JSON', () => {
    const valid = ['0', '-1.5e+3', '"a\\u00e9\\n"', '[]', '{}', ' {"a": [1, true, null, {"b": "c"}]} ', '"😀"'];
    for (const text of valid) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonErrorOffset(text)).toBeUndefined();
    }
  });

  it('points at the first character that breaks the grammar', () => {
    const cases: [string, number][] = [
      ['[1,]', 3],
      ['{"a" 1}', 5],
      ['[1] x', 4],
      ['{"a": tru}', 9],
      ['"\\x"', 2],
      ['"\\u12g4"', 5],
      ['[01]', 2],
      ['{"a": [1, 2', 11],
      ['"abc', 4],
    ];
    for (const [text, offset] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect([text, jsonErrorOffset(text)]).toEqual([text, offset]);
    }
  });

  it('turns a syntax error into a FormatError with line and column', () => {
    expect(() => parseJsonText('{\n  "merges": [\n    "a b",\n  ]\n}', 'tokenizer.json')).toThrow(
      /^tokenizer\.json: not valid JSON at line 4, column 3: /,
    );
    expect(() => parseJsonText('', 'x.json')).toThrow(FormatError);
  });
});
