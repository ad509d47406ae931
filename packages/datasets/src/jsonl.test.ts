// readJsonl / readJsonlAs: one value per line from files, text and streams, blank lines, and
// FormatErrors naming file:line for bad JSON and rejected values.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FormatError } from '@recur/tensor';
import { collect } from './dataset.js';
import { readJsonl, readJsonlAs } from './jsonl.js';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'recur-jsonl-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('readJsonl', () => {
  it('reads one value per line from a file, skipping blank lines', async () => {
    const path = join(directory, 'pairs.jsonl');
    await writeFile(path, '\uFEFF{"en":"hi","fr":"salut"}\n\n{"en":"a, \\"b\\"\\nc","fr":"x"}\r\n[1,2]\n');
    expect(await collect(readJsonl(path))).toEqual([{ en: 'hi', fr: 'salut' }, { en: 'a, "b"\nc', fr: 'x' }, [1, 2]]);
  });

  it('reads chunked streams and text', async () => {
    expect(await collect(readJsonl(Readable.from(['{"a":', '1}\n{"a"', ':2}'])))).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await collect(readJsonl({ text: '3\n"x"' }))).toEqual([3, 'x']);
  });

  it('names file:line for a line that is not JSON', async () => {
    const path = join(directory, 'bad.jsonl');
    await writeFile(path, '{"a":1}\n\n{"a":\n');
    const error = await collect(readJsonl(path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: invalid JSON: `));
  });

  it('rejects a missing file or a directory with a FormatError naming the path', async () => {
    const missing = join(directory, 'missing.jsonl');
    await expect(collect(readJsonl(missing))).rejects.toThrow(FormatError);
    await expect(collect(readJsonl(missing))).rejects.toThrow(`${missing}: cannot read the file: no such file or directory (ENOENT)`);
    await expect(collect(readJsonl(directory))).rejects.toThrow(
      `${directory}: cannot read the file: it is a directory, expected a file (EISDIR)`,
    );
  });

  it('a line nested 5,000 levels deep and a __proto__ key are read, not crashed on', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const values = await collect(readJsonl({ text: `${deep}\n{"__proto__":{"x":1}}\n` }));
    expect(values).toHaveLength(2);
    expect(Object.keys(values[1] as object)).toEqual(['__proto__']);
  });
});

describe('readJsonlAs', () => {
  it('types records and reports rejected values at file:line', async () => {
    const toPair = (value: unknown) => {
      const record = value as { src?: unknown; tgt?: unknown };
      if (typeof record.src !== 'string' || typeof record.tgt !== 'string') throw new Error('expected {src, tgt} strings');
      return { src: record.src, tgt: record.tgt };
    };
    const text = '{"src":"a","tgt":"b"}\n{"src":1}\n';
    const source = { text, name: 'mt.jsonl' };
    await expect(collect(readJsonlAs(source, toPair))).rejects.toThrow('mt.jsonl:2: expected {src, tgt} strings');
    expect(await collect(readJsonlAs({ text: '{"src":"a","tgt":"b"}' }, toPair))).toEqual([{ src: 'a', tgt: 'b' }]);
  });
});
