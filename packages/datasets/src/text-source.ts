// Where the CSV and JSONL readers get their text: a file path (streamed, never read whole), an
// in-memory string, or any stream / async iterable of chunks. Each comes with the name that
// error messages start with (`births.csv:1234: …`).

import { createReadStream } from 'node:fs';
import { ValueError } from '@recur/tensor';
import { fileReadError } from '@recur/tensor/node';
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
  /** The file path, when the source is a file. */
  readonly path?: string;
}

/** A read failure of a file source as a FormatError naming the path (ENOENT, EISDIR, …); other errors as they are. */
export function sourceError(path: string | undefined, error: unknown): unknown {
  return path === undefined ? error : fileReadError(path, error);
}

/** Open a source as a Node Readable; `name` overrides the label used in errors. */
export function openTextSource(source: TextSource, name?: string): OpenedSource {
  if (typeof source === 'string') return { name: name ?? source, stream: createReadStream(source), path: source };
  if (source instanceof URL) {
    if (source.protocol !== 'file:')
      throw new ValueError(`openTextSource: expected a file: URL; got ${source.protocol} (${source.href.slice(0, 80)})`);
    const path = fileURLToPath(source);
    return { name: name ?? path, stream: createReadStream(path), path };
  }
  if (source === null || typeof source !== 'object') {
    throw new ValueError(
      `openTextSource: expected a path, a file: URL, { text } or a stream; got ${source === null ? 'null' : typeof source}`,
    );
  }
  if ('text' in source) {
    if (typeof source.text !== 'string') throw new ValueError(`openTextSource: { text } must hold a string; got ${typeof source.text}`);
    // Readable.from emits a string as one chunk rather than character by character.
    return { name: name ?? source.name ?? '<text>', stream: Readable.from([source.text]) };
  }
  const iterable = source as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  if (
    !(source instanceof Readable) &&
    typeof iterable[Symbol.asyncIterator] !== 'function' &&
    typeof iterable[Symbol.iterator] !== 'function'
  ) {
    throw new ValueError('openTextSource: expected a path, a file: URL, { text } or a stream; got an object that is none of them');
  }
  return { name: name ?? '<stream>', stream: source instanceof Readable ? source : Readable.from(source) };
}
