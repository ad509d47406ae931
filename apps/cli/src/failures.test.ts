import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsHeader } from '@recur/tensor';
import { main } from './main.js';
import { removeTempDirs, runCli, sourceCliArgs, tempDir } from './test-support.js';

afterAll(removeTempDirs);

function expectOneLineError(stderr: string, ...fragments: string[]): void {
  const lines = stderr.split('\n').filter((line) => line !== '' && !/^(births|spam): .* parameters/.test(line));
  expect(lines).toHaveLength(1);
  expect(lines[0]!.startsWith('recur: ')).toBe(true);
  expect(lines[0]).not.toContain('unexpected error');
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
}

describe('a run that diverges stops with one line and exit 2', () => {
  it('births --lr 1e30: the epoch, batch and loss are named, no checkpoint and no directory are left', async () => {
    const out = join(await tempDir(), 'run');
    const ran = await runCli(['train', 'births', '--quick', '--lr', '1e30', '--no-plots', '--out', out]);
    expect(ran.code).toBe(2);
    expectOneLineError(ran.stderr, 'training diverged: loss', 'at epoch 1, batch ', '(lr 1e+30)');
    expect(ran.stderr).toMatch(/loss (NaN|Infinity) at epoch 1, batch \d+\/\d+/);
    expect(existsSync(out)).toBe(false);
  });

  it('spam --lr 1e30 --json: no summary is printed and the exit code is 2', async () => {
    const out = join(await tempDir(), 'run');
    const ran = await runCli(['train', 'spam', '--quick', '--epochs', '1', '--lr', '1e30', '--json', '--no-plots', '--out', out]);
    expect(ran.code).toBe(2);
    expectOneLineError(ran.stderr, 'training diverged', 'epoch 1, batch');
    expect(ran.events.map((e) => e.event)).not.toContain('summary');
    expect(ran.events.filter((e) => e.event === 'batch').every((e) => Number.isFinite(e.loss))).toBe(true);
  });
});

/** Overwrite the first float32 of the first model tensor in a checkpoint with `value`; returns its key. */
async function poison(path: string, value: number): Promise<string> {
  const bytes = new Uint8Array(await readFile(path));
  const header = readSafetensorsHeader(bytes);
  const [name, entry] = Object.entries(header.tensors).find(([key]) => !key.includes('/'))!;
  new DataView(bytes.buffer).setFloat32(header.dataStart + entry.dataOffsets[0], value, true);
  await writeFile(path, bytes);
  return name;
}

describe('a checkpoint with NaN or infinite weights', () => {
  it('eval, predict and --resume refuse it with one line naming the tensor, exit 2', async () => {
    const out = join(await tempDir(), 'run');
    expect((await runCli(['train', 'births', '--quick', '--epochs', '1', '--no-plots', '--out', out])).code).toBe(0);
    const checkpoint = join(out, 'checkpoint.safetensors');
    expect((await runCli(['predict', checkpoint])).code).toBe(0);
    const name = await poison(checkpoint, NaN);
    for (const argv of [
      ['eval', checkpoint],
      ['predict', checkpoint],
      ['predict', checkpoint, '--json'],
      ['train', 'births', '--resume', '--epochs', '2', '--out', out],
    ]) {
      const ran = await runCli(argv);
      expect(ran.code).toBe(2);
      expect(ran.stdout).not.toContain('NaN');
      expectOneLineError(ran.stderr, checkpoint, 'non-finite values', `'${name}'`);
    }
    await poison(checkpoint, Infinity);
    expectOneLineError((await runCli(['eval', checkpoint])).stderr, 'non-finite values');
  });
});

describe('--out is checked before training', () => {
  it('an existing file, a path under a file: exit 2 with one line, before any data is loaded', async () => {
    const dir = await tempDir();
    const file = join(dir, 'file');
    await writeFile(file, 'keep me');
    const existing = await runCli(['train', 'births', '--quick', '--out', file]);
    expect(existing.code).toBe(2);
    expectOneLineError(existing.stderr, file, 'exists and is not a directory');
    expect(existing.stderr).not.toContain('parameters');
    const under = await runCli(['train', 'births', '--quick', '--json', '--out', join(file, 'run')]);
    expect(under.code).toBe(2);
    expectOneLineError(under.stderr, `${file} is a file, not a directory`);
    expect(under.events).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('keep me');
    expect(await readdir(dir)).toEqual(['file']);
  });

  it.runIf(process.platform !== 'win32' && process.getuid?.() !== 0)(
    'a directory without write permission: exit 2 with one line',
    async () => {
      const dir = await tempDir();
      await chmod(dir, 0o500);
      try {
        const ran = await runCli(['train', 'births', '--quick', '--out', join(dir, 'run')]);
        expect(ran.code).toBe(2);
        expectOneLineError(ran.stderr, join(dir, 'run'), 'EACCES');
      } finally {
        await chmod(dir, 0o700);
      }
    },
  );

  it.runIf(process.platform === 'linux')('--out /proc/x: the process exits 2 at once instead of hanging in mkdir', async () => {
    const child = spawn(process.execPath, [...sourceCliArgs(), 'train', 'births', '--quick', '--out', '/proc/recur-x/run'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    clearTimeout(timer);
    expect(code).toBe(2);
    expectOneLineError(stderr, '/proc/recur-x/run', 'proc pseudo filesystem');
  });
});

describe('Ctrl-C is graceful only while batches run', () => {
  it('train tells the process when a first Ctrl-C may wait for the batch, and nowhere else', async () => {
    const out = join(await tempDir(), 'run');
    const log: string[] = [];
    let stdout = '';
    const code = await main(['train', 'births', '--quick', '--epochs', '2', '--json', '--no-plots', '--out', out], {
      stdout: {
        write: (text: string) => {
          stdout += text;
          for (const line of text.split('\n').filter(Boolean)) log.push((JSON.parse(line) as { event: string }).event);
        },
      },
      stderr: { write: () => true },
      readStdin: async () => '',
      signal: new AbortController().signal,
      setInterruptible: (on) => log.push(on ? 'ON' : 'OFF'),
      cwd: process.cwd(),
    });
    expect(code).toBe(0);
    expect(stdout).toContain('"event":"summary"');
    const collapsed = log.filter((entry, i) => entry !== log[i - 1]);
    // Loading, validating (before 'epoch'), saving ('checkpoint') and testing all run with it off.
    expect(collapsed).toEqual([
      'start',
      'epoch-start',
      'ON',
      'batch',
      'OFF',
      'epoch',
      'checkpoint',
      'epoch-start',
      'ON',
      'batch',
      'OFF',
      'epoch',
      'checkpoint',
      'OFF',
      'summary',
    ]);
  });
});
