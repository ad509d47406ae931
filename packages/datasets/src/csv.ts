// Streaming CSV reader on csv-parse: RFC 4180 quoting (delimiters, newlines and "" inside quoted
// fields), a header row mapped to object keys, and typed FormatErrors that name file:line.
// Records are read one at a time, so files larger than memory work.

import { CsvError, parse } from 'csv-parse';
import { FormatError, ValueError } from '@recur/tensor';
import { LineCounter, lineBreaks, openingQuote } from './csv-lines.js';
import { openTextSource, sourceError, type TextSource } from './text-source.js';

export interface CsvOptions {
  /** The first row names the columns (records become objects). Default true. */
  readonly header?: boolean;
  /**
   * Column names. With header: true they replace the file's own names (the counts must agree);
   * with header: false they name a headerless file's columns.
   */
  readonly columns?: readonly string[];
  /** One character. Default ','. */
  readonly delimiter?: string;
  /** Trim whitespace around unquoted fields. Default false. */
  readonly trim?: boolean;
  /** Skip lines starting with this character. Default: no comments. */
  readonly comment?: string;
  /** The label errors start with; default the path, `<text>` or `<stream>`. */
  readonly name?: string;
}

/** Where a row came from: its first line (1-based, the header is line 1) in the named source. */
export interface RowContext {
  readonly name: string;
  readonly line: number;
}

/** A record with its column names as keys. */
export type CsvRecord = Record<string, string>;

interface ParsedRow {
  readonly record: string[];
  /** `bytes`: the offset just past the record (its line break included). */
  readonly info: { readonly bytes: number };
}

/** Where a csv-parse error sits: an unclosed quote at its opening, anything else at its record. */
function errorLine(error: CsvError, counter: LineCounter, recordStart: number, options: CsvOptions): number {
  const { index, bytes } = error as CsvError & { index?: unknown; bytes?: unknown };
  if (error.code === 'CSV_QUOTE_NOT_CLOSED' && typeof index === 'number') {
    const comment = options.comment ? options.comment.charCodeAt(0) : undefined;
    const opening = openingQuote(counter, recordStart, index, (options.delimiter ?? ',').charCodeAt(0), comment);
    if (opening !== undefined) return counter.lineAt(opening);
  }
  return counter.lineAt(Math.max(recordStart, typeof bytes === 'number' ? bytes - 1 : 0));
}

/** Raw rows with their start lines, every row checked against the expected field count. */
async function* rows(source: TextSource, options: CsvOptions): AsyncGenerator<{ fields: string[]; context: RowContext }> {
  const { name, stream, path } = openTextSource(source, options.name);
  const counter = new LineCounter();
  let recordStart = 0;
  const parser = parse({
    bom: true,
    delimiter: options.delimiter ?? ',',
    trim: options.trim ?? false,
    comment: options.comment ?? null,
    skip_empty_lines: true,
    // Field counts are checked here, to report the record's first line and both counts.
    relax_column_count: true,
    info: true,
    // Where the parser (which runs ahead of the consumer) finished its last record: an error's record starts there.
    on_record: (record, context) => {
      recordStart = context.bytes;
      return record;
    },
  });
  stream.on('error', (error) => parser.destroy(error));
  stream.pipe(counter).pipe(parser);
  let expected = options.header === false ? options.columns?.length : undefined;
  try {
    for await (const row of parser as AsyncIterable<ParsedRow>) {
      // The record's last line, minus the line breaks inside its quoted fields, is its first line.
      const endLine = counter.recordEndLine(row.info.bytes);
      const context = { name, line: endLine - row.record.reduce((sum, field) => sum + lineBreaks(field), 0) };
      expected ??= row.record.length;
      if (row.record.length !== expected) {
        throw new FormatError(`${name}:${context.line}: expected ${expected} fields, got ${row.record.length}`);
      }
      yield { fields: row.record, context };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      // csv-parse puts "at line N" mid-sentence (counted its own way); the location moves to the front instead.
      const message = error.message.replace(/ (at|on) line \d+/, '');
      throw new FormatError(`${name}:${errorLine(error, counter, recordStart, options)}: ${message}`);
    }
    throw sourceError(path, error);
  } finally {
    stream.destroy();
    counter.destroy();
  }
}

function checkColumns(context: RowContext, columns: readonly string[]): void {
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) throw new FormatError(`${context.name}:${context.line}: duplicate column name '${column}'`);
    seen.add(column);
  }
}

/** Objects keyed by column, with the line each row starts on. */
async function* records(source: TextSource, options: CsvOptions): AsyncGenerator<{ record: CsvRecord; context: RowContext }> {
  let columns = options.header === false ? options.columns : undefined;
  for await (const { fields, context } of rows(source, options)) {
    if (columns === undefined) {
      if (options.columns !== undefined && options.columns.length !== fields.length) {
        throw new FormatError(
          `${context.name}:${context.line}: the header has ${fields.length} fields but ${options.columns.length} column names were given`,
        );
      }
      columns = options.columns ?? fields;
      checkColumns(context, columns);
      continue;
    }
    const record: CsvRecord = {};
    // defineProperty: a column named __proto__ must become a key, not the record's prototype.
    for (let c = 0; c < columns.length; c++) {
      Object.defineProperty(record, columns[c]!, { value: fields[c]!, enumerable: true, writable: true, configurable: true });
    }
    yield { record, context };
  }
}

function checkDelimiter(name: string, options: CsvOptions): void {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1) throw new ValueError(`${name}: delimiter must be one character; got ${JSON.stringify(delimiter)}`);
}

/**
 * Rows as objects keyed by column (the default), or as string arrays for a headerless file
 * read without column names (header: false).
 */
export function readCsv(source: TextSource, options: CsvOptions & { header: false; columns?: undefined }): AsyncGenerator<string[]>;
export function readCsv(source: TextSource, options?: CsvOptions): AsyncGenerator<CsvRecord>;
export async function* readCsv(source: TextSource, options: CsvOptions = {}): AsyncGenerator<string[] | CsvRecord> {
  checkDelimiter('readCsv', options);
  if (options.header === false && options.columns === undefined) {
    for await (const { fields } of rows(source, options)) yield fields;
    return;
  }
  for await (const { record } of records(source, options)) yield record;
}

/**
 * Rows converted to typed records by `map`, which also sees where each row came from. An error
 * thrown by `map` becomes a FormatError prefixed with file:line, so a bad value points at its row.
 */
export async function* readCsvAs<T>(
  source: TextSource,
  map: (record: CsvRecord, context: RowContext) => T,
  options: CsvOptions = {},
): AsyncGenerator<T> {
  checkDelimiter('readCsvAs', options);
  for await (const { record, context } of records(source, options)) {
    let value: T;
    try {
      value = map(record, context);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new FormatError(`${context.name}:${context.line}: ${message}`);
    }
    yield value;
  }
}
