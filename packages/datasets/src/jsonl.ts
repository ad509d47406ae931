// Streaming JSON Lines reader: one JSON value per line, blank lines skipped, a line that is not
// JSON is a FormatError naming file:line. Lines are read one at a time, so files larger than
// memory work.

import { createInterface } from 'node:readline';
import { FormatError } from '@recur/tensor';
import { openTextSource, sourceError, type TextSource } from './text-source.js';
import type { RowContext } from './csv.js';

export interface JsonlOptions {
  /** The label errors start with; default the path, `<text>` or `<stream>`. */
  readonly name?: string;
}

/** The JSON value of every non-blank line, unchecked (`unknown`); use readJsonlAs for typed records. */
export async function* readJsonl(source: TextSource, options: JsonlOptions = {}): AsyncGenerator<unknown> {
  for await (const { value } of lines(source, options)) yield value;
}

/**
 * Values converted by `map` (validate and narrow there). An error thrown by `map` becomes a
 * FormatError prefixed with file:line.
 */
export async function* readJsonlAs<T>(
  source: TextSource,
  map: (value: unknown, context: RowContext) => T,
  options: JsonlOptions = {},
): AsyncGenerator<T> {
  for await (const { value, context } of lines(source, options)) {
    let record: T;
    try {
      record = map(value, context);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new FormatError(`${context.name}:${context.line}: ${message}`);
    }
    yield record;
  }
}

async function* lines(source: TextSource, options: JsonlOptions): AsyncGenerator<{ value: unknown; context: RowContext }> {
  const { name, stream, path } = openTextSource(source, options.name);
  stream.setEncoding('utf8');
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (let text of reader) {
      line += 1;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new FormatError(`${name}:${line}: invalid JSON: ${(error as Error).message}`);
      }
      yield { value, context: { name, line } };
    }
  } catch (error) {
    throw sourceError(path, error);
  } finally {
    reader.close();
    stream.destroy();
  }
}
