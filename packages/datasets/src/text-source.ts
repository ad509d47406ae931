// Where the CSV and JSONL readers get their text: a file path (streamed, never read whole), an
// in-memory string, or any stream / async iterable of chunks. Each comes with the name that
// error messages start with (`births.csv:1234: …`).

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Text already in memory; `name` labels errors (default `<text>`). */
export interface TextInput {
  readonly text: string;
  readonly name?: string;
}

/**
 * A file path (string or file: URL), `{ text }`, or a stream of string / byte chunks (a Node
 * Readable, a web ReadableStream in Node ≥ 20, any async iterable).
 */
export type TextSource = string | URL | TextInput | AsyncIterable<string | Uint8Array>;

export interface OpenedSource {
  readonly name: string;
  readonly stream: Readable;
}

/** Open a source as a Node Readable; `name` overrides the label used in errors. */
export function openTextSource(source: TextSource, name?: string): OpenedSource {
  if (typeof source === 'string') return { name: name ?? source, stream: createReadStream(source) };
  if (source instanceof URL) return { name: name ?? fileURLToPath(source), stream: createReadStream(source) };
  if ('text' in source) {
    // Readable.from emits a string as one chunk rather than character by character.
    return { name: name ?? source.name ?? '<text>', stream: Readable.from([source.text]) };
  }
  return { name: name ?? '<stream>', stream: source instanceof Readable ? source : Readable.from(source) };
}
