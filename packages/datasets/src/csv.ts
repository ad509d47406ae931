// Streaming CSV reader on csv-parse: RFC 4180 quoting (delimiters, newlines and "" inside quoted
// fields), a header row mapped to object keys, and typed FormatErrors that name file:line.
// Records are read one at a time, so files larger than memory work.

import { CsvError, parse } from 'csv-parse';
import { FormatError, ValueError } from '@recur/tensor';
import { openTextSource, type TextSource } from './text-source.js';

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
  readonly info: { readonly lines: number };
}

/** csv-parse counts the line a record ends on; a quoted field's newlines move its start back. */
function startLine(record: readonly string[], endLine: number): number {
  let newlines = 0;
  for (const field of record) newlines += field.match(/\r\n|\r|\n/g)?.length ?? 0;
  return endLine - newlines;
}

/** Raw rows with their start lines, every row checked against the expected field count. */
async function* rows(source: TextSource, options: CsvOptions): AsyncGenerator<{ fields: string[]; context: RowContext }> {
  const { name, stream } = openTextSource(source, options.name);
  const parser = parse({
    bom: true,
    delimiter: options.delimiter ?? ',',
    trim: options.trim ?? false,
    comment: options.comment ?? null,
    skip_empty_lines: true,
    // Field counts are checked here, to report the record's first line and both counts.
    relax_column_count: true,
    info: true,
  });
  stream.on('error', (error) => parser.destroy(error));
  stream.pipe(parser);
  let expected = options.header === false ? options.columns?.length : undefined;
  try {
    for await (const row of parser as AsyncIterable<ParsedRow>) {
      const context = { name, line: startLine(row.record, row.info.lines) };
      expected ??= row.record.length;
      if (row.record.length !== expected) {
        throw new FormatError(`${name}:${context.line}: expected ${expected} fields, got ${row.record.length}`);
      }
      yield { fields: row.record, context };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      // csv-parse puts "at line N" mid-sentence; the location moves to the front instead.
      const message = error.message.replace(/ (at|on) line \d+/, '');
      throw new FormatError(`${name}:${String(error.lines ?? '?')}: ${message}`);
    }
    throw error;
  } finally {
    stream.destroy();
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
    for (let c = 0; c < columns.length; c++) record[columns[c]!] = fields[c]!;
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
