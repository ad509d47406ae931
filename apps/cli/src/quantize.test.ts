import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from './test-support.js';

afterAll(removeTempDirs);

let dir = '';
let checkpoint = '';
beforeAll(async () => {
  dir = await tempDir();
  const out = join(dir, 'run');
  const trained = await runCli(['train', 'spam', '--quick', '--epochs', '1', '--no-plots', '--out', out]);
  expect(trained.code).toBe(0);
  checkpoint = join(out, 'checkpoint.safetensors');
}, 300_000);

interface Summary {
  readonly metrics: Record<string, number>;
  readonly model: { readonly dtype: string; readonly bytes: number };
}

const evaluate = async (file: string): Promise<Summary> => {
  const ran = await runCli(['eval', file, '--json']);
  expect(ran.stderr).toBe('');
  expect(ran.code).toBe(0);
  return ran.events.at(-1) as unknown as Summary;
};

describe('recur quantize', () => {
  it('int8, float16 and pruned files run in recur eval and predict; the summary names dtype and bytes', async () => {
    const float = await evaluate(checkpoint);
    expect(float.model.dtype).toBe('float32');
    const results: Record<string, Summary> = {};
    for (const [name, args] of [
      ['int8', ['--dtype', 'int8']],
      ['float16', ['--dtype', 'float16']],
      ['pruned', ['--dtype', 'float32', '--prune', '0.5']],
      ['int8-pruned', ['--dtype', 'int8', '--prune', '0.5']],
      ['pruned-global', ['--dtype', 'float32', '--prune', '0.5', '--prune-scope', 'global']],
    ] as const) {
      const file = join(dir, `${name}.safetensors`);
      const ran = await runCli(['quantize', checkpoint, ...args, '--out', file, '--json']);
      expect(ran.stderr).toBe('');
      expect(ran.code).toBe(0);
      expect(ran.events.at(-1)).toMatchObject({ event: 'summary', task: 'spam', out: file, bytes: (await readFile(file)).length });
      const pruned = (ran.events.at(-1) as { pruned: { scope: string; zeros: number; size: number } | null }).pruned;
      if (name.includes('pruned')) {
        expect(pruned!.scope).toBe(name === 'pruned-global' ? 'global' : 'layer');
        // Half of all weight-matrix entries either way (per layer: each rounds half to even on its own).
        expect(Math.abs(pruned!.zeros - pruned!.size / 2)).toBeLessThanOrEqual(8);
      } else expect(pruned).toBeNull();
      results[name] = await evaluate(file);
      expect(results[name].model.dtype).toBe(name.startsWith('int8') ? 'int8' : name === 'float16' ? 'float16' : 'float32');
      const predicted = await runCli(['predict', file, 'WIN a FREE prize now, call 0800 123', '--json']);
      expect(predicted.code).toBe(0);
      expect(predicted.events.at(-1)).toMatchObject({ event: 'prediction', task: 'spam' });
    }
    const bytes = (name: string) => results[name]!.model.bytes;
    // int8: one byte an entry for the weight matrices (+ a float32 scale per row); float16: two.
    expect(float.model.bytes / bytes('int8')).toBeGreaterThan(3);
    expect(float.model.bytes / bytes('float16')).toBeCloseTo(2, 1);
    // Pruned half of the matrices: a bit of mask per entry, and the kept entries (4 bytes; int8: 1).
    expect(bytes('pruned')).toBeLessThan(float.model.bytes * 0.65);
    expect(bytes('int8-pruned')).toBeLessThan(bytes('int8') * 0.75);
    const bad = await runCli([
      'quantize',
      checkpoint,
      '--dtype',
      'float32',
      '--prune',
      '0.5',
      '--prune-scope',
      'row',
      '--out',
      join(dir, 'x'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--prune-scope: expected layer or global; got 'row'/);
    for (const [metric, value] of Object.entries(float.metrics)) {
      expect(Math.abs(results.float16!.metrics[metric]! - value)).toBeLessThanOrEqual(Math.abs(value) * 0.01 + 1e-3);
    }
  }, 600_000);

  it('a malformed model file is refused with one line naming it (exit 2)', async () => {
    const file = join(dir, 'int8.safetensors');
    const bytes = new Uint8Array(await readFile(file));
    const header = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + header));
    const cases: [string, string, RegExp][] = [
      // The layout is JSON inside a metadata string: its quotes are escaped in the header.
      ['layout', text.replace('\\"quantized\\":{', '\\"quantized\\":{\\"x.weight\\":\\"int4\\",'), /expected a weights layout/],
      ['task', text.replace(/\\"task\\":\\"spam\\"/, '\\"task\\":\\"nope\\"'), /saved by unknown task 'nope'/],
    ];
    for (const [name, changed, message] of cases) {
      expect(changed).not.toBe(text);
      const json = new TextEncoder().encode(changed.padEnd(Math.ceil(changed.length / 8) * 8, ' '));
      const broken = new Uint8Array(8 + json.length + bytes.length - 8 - header);
      new DataView(broken.buffer).setBigUint64(0, BigInt(json.length), true);
      broken.set(json, 8);
      broken.set(bytes.subarray(8 + header), 8 + json.length);
      const path = join(dir, `broken-${name}.safetensors`);
      await writeFile(path, broken);
      const ran = await runCli(['eval', path]);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toMatch(message);
      expect(ran.stderr.startsWith(`recur: ${path}: `)).toBe(true);
    }
    const truncated = join(dir, 'truncated.safetensors');
    await writeFile(truncated, bytes.subarray(0, 100));
    expect((await runCli(['predict', truncated, 'hello'])).code).toBe(2);
  }, 300_000);

  it('a task that learns online (stream) is refused int8 and float16 (exit 2), and pruned as float32', async () => {
    const out = join(dir, 'stream');
    expect((await runCli(['train', 'stream', '--quick', '--epochs', '1', '--no-plots', '--out', out])).code).toBe(0);
    const streamCheckpoint = join(out, 'checkpoint.safetensors');
    const refused = await runCli(['quantize', streamCheckpoint, '--dtype', 'int8', '--out', join(dir, 'stream-int8.safetensors')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/task 'stream' learns online .* needs float32 weights; use --dtype float32/);
    const pruned = join(dir, 'stream-pruned.safetensors');
    expect((await runCli(['quantize', streamCheckpoint, '--dtype', 'float32', '--prune', '0.3', '--out', pruned])).code).toBe(0);
    expect((await evaluate(pruned)).model.dtype).toBe('float32');
  }, 300_000);

  it('refuses a bad --dtype or --prune before reading anything (exit 2)', async () => {
    const wrong = await runCli(['quantize', checkpoint, '--dtype', 'int4', '--out', join(dir, 'x')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe("recur: --dtype: expected int8, float16 or float32; got 'int4'\n");
    expect((await runCli(['quantize', checkpoint, '--dtype', 'int8', '--prune', '1.5', '--out', join(dir, 'x')])).code).toBe(2);
  });
});
