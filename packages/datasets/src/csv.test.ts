// readCsv / readCsvAs: quoting (delimiters, newlines, escaped quotes), header mapping, headerless
// files, streaming from files and streams, and FormatErrors that name file:line.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { FormatError, ValueError } from '@recur/tensor';
import { readCsv, readCsvAs } from './csv.js';
import { collect } from './dataset.js';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'recur-csv-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

describe('readCsv: parsing', () => {
  it('maps header names to keys and keeps quoted commas, newlines and escaped quotes', async () => {
    const text = 'id,text,label\n1,"hello, world",ham\n2,"two\nlines",spam\n3,"say ""hi""",ham\n';
    const rows = await collect(readCsv({ text }));
    expect(rows).toEqual([
      { id: '1', text: 'hello, world', label: 'ham' },
      { id: '2', text: 'two\nlines', label: 'spam' },
      { id: '3', text: 'say "hi"', label: 'ham' },
    ]);
  });

  it('reads a file path with a BOM, CRLF endings and blank lines', async () => {
    const path = await file('crlf.csv', '\uFEFFa,b\r\n1,2\r\n\r\n3,4\r\n');
    expect(await collect(readCsv(path))).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ]);
  });

  it('renames columns, reads headerless files as arrays or named objects, other delimiters', async () => {
    expect(await collect(readCsv({ text: 'x,y\n1,2\n' }, { columns: ['left', 'right'] }))).toEqual([{ left: '1', right: '2' }]);
    expect(await collect(readCsv({ text: '1,2\n3,4\n' }, { header: false }))).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(await collect(readCsv({ text: '1;2\n' }, { header: false, columns: ['a', 'b'], delimiter: ';' }))).toEqual([{ a: '1', b: '2' }]);
    await expect(collect(readCsv({ text: 'a\n' }, { delimiter: ';;' }))).rejects.toThrow(ValueError);
  });

  it('streams chunks that split records and quotes', async () => {
    const chunks = ['na', 'me,n\n"a,', '\nb",1', '\nc,2\n'];
    const rows = await collect(readCsv(Readable.from(chunks)));
    expect(rows).toEqual([
      { name: 'a,\nb', n: '1' },
      { name: 'c', n: '2' },
    ]);
  });

  it('converts rows with readCsvAs and passes their line numbers', async () => {
    const text = 'year,births\n1969,"8486"\n1970,8\n';
    const rows = await collect(readCsvAs({ text }, (r, { line }) => ({ year: Number(r.year), births: Number(r.births), line })));
    expect(rows).toEqual([
      { year: 1969, births: 8486, line: 2 },
      { year: 1970, births: 8, line: 3 },
    ]);
  });
});

describe('readCsv: large files', () => {
  it('streams 20k rows and stops reading when the consumer breaks early', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},"row ${i}, quoted"`);
    const path = await file('large.csv', 'n,text\n' + rows.join('\n') + '\n');
    let count = 0;
    let last = '';
    for await (const row of readCsv(path)) {
      count++;
      last = row.n!;
    }
    expect([count, last]).toEqual([20_000, '19999']);
    const firstTwo: string[] = [];
    for await (const row of readCsv(path)) {
      firstTwo.push(row.text!);
      if (firstTwo.length === 2) break;
    }
    expect(firstTwo).toEqual(['row 0, quoted', 'row 1, quoted']);
  });
});

describe('readCsv: errors', () => {
  it('names file:line and both counts for a short row', async () => {
    const lines = ['year,month,day,weekday,births', '1969,1,1,3,8486', '1969,1,2,4,9002', '1969,1,3,5'];
    const path = await file('births.csv', lines.join('\n') + '\n');
    const error = await collect(readCsv(path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toBe(`${path}:4: expected 5 fields, got 4`);
  });

  it('counts lines inside quoted fields and reports a record by its first line', async () => {
    const text = 'a,b\n"multi\nline",1\n2,3,4\n';
    await expect(collect(readCsv({ text, name: 'data.csv' }))).rejects.toThrow(/^data\.csv:4: expected 2 fields, got 3$/);
  });

  it('turns csv-parse errors into FormatErrors with file:line', async () => {
    await expect(collect(readCsv({ text: 'a,b\n1,"open\n2,3\n', name: 'q.csv' }))).rejects.toThrow(/^q\.csv:\d+: Quote Not Closed/);
    await expect(collect(readCsv({ text: 'a,b\n1,"x"y\n', name: 'q.csv' }))).rejects.toThrow(FormatError);
  });

  it('rejects duplicate headers, a renaming of the wrong length, and bad values from readCsvAs', async () => {
    await expect(collect(readCsv({ text: 'a,a\n1,2\n', name: 'd.csv' }))).rejects.toThrow("d.csv:1: duplicate column name 'a'");
    await expect(collect(readCsv({ text: 'a,b\n', name: 'd.csv' }, { columns: ['x'] }))).rejects.toThrow(/2 fields but 1 column names/);
    const parse = (r: Record<string, string>) => {
      const value = Number(r.n);
      if (Number.isNaN(value)) throw new ValueError(`n is not a number: '${r.n}'`);
      return value;
    };
    await expect(collect(readCsvAs({ text: 'n\n1\nx\n', name: 'n.csv' }, parse))).rejects.toThrow("n.csv:3: n is not a number: 'x'");
  });

  it('rejects a missing file or a directory with a FormatError naming the path', async () => {
    const missing = join(directory, 'missing.csv');
    await expect(collect(readCsv(missing))).rejects.toThrow(FormatError);
    await expect(collect(readCsv(missing))).rejects.toThrow(`${missing}: cannot read the file: no such file or directory (ENOENT)`);
    await expect(collect(readCsv(pathToFileURL(missing)))).rejects.toThrow(FormatError);
    await expect(collect(readCsv(directory))).rejects.toThrow(
      `${directory}: cannot read the file: it is a directory, expected a file (EISDIR)`,
    );
    await expect(collect(readCsv(new URL('https://example.com/x.csv')))).rejects.toThrow(ValueError);
    await expect(collect(readCsv(null as never))).rejects.toThrow(ValueError);
  });

  it('CRLF files: newlines inside quoted fields do not shift later line numbers', async () => {
    const text = ['a,b', '"one\r\ntwo",1', '"three\r\nfour\r\nfive",2', '3,4,5'].join('\r\n') + '\r\n';
    await expect(collect(readCsv({ text, name: 'crlf.csv' }))).rejects.toThrow(/^crlf\.csv:7: expected 2 fields, got 3$/);
    const lines = await collect(readCsvAs({ text: 'a,b\r\n"x\r\ny",1\r\n\r\nz,2\r\n' }, (_r, { line }) => line));
    expect(lines).toEqual([2, 5]);
    const crOnly = await collect(readCsvAs({ text: 'a\r"p\rq"\r"r\r\rs"\rz\r' }, (_r, { line }) => line));
    expect(crOnly).toEqual([2, 4, 7]);
  });

  it('an unclosed quote is reported at the line where it opens', async () => {
    const text = 'a,b\r\nx,1\r\n"a\r\nb","open,2\r\nz,3\r\nw,4\r\n';
    await expect(collect(readCsv({ text, name: 'q.csv' }))).rejects.toThrow(/^q\.csv:4: Quote Not Closed/);
    await expect(collect(readCsv({ text: 'a,b\n1,2\n\n3,"open\n4,5\n6,7\n', name: 'q.csv' }))).rejects.toThrow(
      /^q\.csv:4: Quote Not Closed/,
    );
    await expect(collect(readCsv({ text: 'a,b\n#note\n"open,1\n2,3\n', name: 'q.csv' }, { comment: '#' }))).rejects.toThrow(
      /^q\.csv:3: Quote Not Closed/,
    );
  });

  it('a column named __proto__ keeps its value as an own key', async () => {
    const rows = await collect(readCsv({ text: '__proto__,constructor\n1,2\n' }));
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(rows[0]!, '__proto__')?.value).toBe('1');
    expect(Object.getPrototypeOf(rows[0]!)).toBe(Object.prototype);
  });
});
