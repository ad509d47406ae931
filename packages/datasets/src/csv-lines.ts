// Line numbers for the CSV reader, counted from the bytes themselves: csv-parse counts a CRLF
// inside a quoted field as two lines and reports an unclosed quote where the file ends. A line
// break is \n, \r\n or a lone \r; offsets are byte offsets, as csv-parse's `info.bytes` are.

import { Transform, type TransformCallback } from 'node:stream';

const LF = 0x0a;
const CR = 0x0d;

/** A pass-through stream that keeps the bytes not yet counted and counts line breaks on demand. */
export class LineCounter extends Transform {
  private readonly pending: Buffer[] = [];
  /** Byte offset of pending[0]'s first byte. */
  private pendingStart = 0;
  /** Bytes before this offset are counted and dropped. */
  private cursor = 0;
  private breaks = 0;
  private afterCR = false;

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.pending.push(bytes);
    done(null, bytes);
  }

  /** The byte at `offset` (not yet counted past), or undefined beyond what has arrived. */
  byteAt(offset: number): number | undefined {
    let start = this.pendingStart;
    for (const chunk of this.pending) {
      if (offset < start + chunk.length) return offset >= start ? chunk[offset - start] : undefined;
      start += chunk.length;
    }
    return undefined;
  }

  /** Count line breaks up to `offset`; returns the number of breaks before it. */
  advanceTo(offset: number): number {
    while (this.cursor < offset && this.pending.length > 0) {
      const chunk = this.pending[0]!;
      const end = Math.min(offset, this.pendingStart + chunk.length);
      for (let i = this.cursor - this.pendingStart; i < end - this.pendingStart; i++) {
        const byte = chunk[i];
        if (byte === LF) {
          if (!this.afterCR) this.breaks += 1;
          this.afterCR = false;
        } else if (byte === CR) {
          this.breaks += 1;
          this.afterCR = true;
        } else {
          this.afterCR = false;
        }
      }
      this.cursor = end;
      if (end === this.pendingStart + chunk.length) {
        this.pending.shift();
        this.pendingStart = end;
      }
    }
    return this.breaks;
  }

  /** 1-based line of the byte at `offset` (counts up to it). */
  lineAt(offset: number): number {
    return this.advanceTo(offset) + 1;
  }

  /**
   * The last line of a record that ends (delimiter included) just before `endOffset`: a
   * trailing line break belongs to the record but starts no line of it.
   */
  recordEndLine(endOffset: number): number {
    const last = endOffset > 0 ? this.byteAt(endOffset - 1) : undefined;
    const breaks = this.advanceTo(endOffset);
    return last === LF || last === CR ? breaks : breaks + 1;
  }
}

/** Line breaks inside a field's value (\r\n counts once), to walk from a record's last line back to its first. */
export function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/**
 * Offset of the quote that opens field `column` of the record starting at (or after blank and
 * comment lines following) `start`, for an unclosed-quote error; undefined if it cannot be found.
 */
export function openingQuote(
  counter: LineCounter,
  start: number,
  column: number,
  delimiter: number,
  comment: number | undefined,
): number | undefined {
  const QUOTE = 0x22;
  let at = start;
  const byte = (): number | undefined => counter.byteAt(at);
  // Skip blank and comment lines before the record.
  for (;;) {
    const b = byte();
    if (b === LF || b === CR) at += 1;
    else if (comment !== undefined && b === comment) {
      while (byte() !== undefined && byte() !== LF && byte() !== CR) at += 1;
    } else break;
  }
  for (let field = 0; ; field++) {
    while (byte() === 0x20 || byte() === 0x09) at += 1;
    if (field === column) return byte() === QUOTE ? at : undefined;
    if (byte() === QUOTE) {
      at += 1;
      for (;;) {
        const b = byte();
        if (b === undefined) return undefined;
        at += 1;
        if (b === QUOTE) {
          if (byte() === QUOTE) at += 1;
          else break;
        }
      }
    }
    while (byte() !== undefined && byte() !== delimiter && byte() !== LF && byte() !== CR) at += 1;
    if (byte() !== delimiter) return undefined;
    at += 1;
  }
}
