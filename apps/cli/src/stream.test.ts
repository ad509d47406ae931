import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_QUICK, streamTask, type StreamRun } from '@recur/sample-stream';
import { resolveConfig } from '@recur/sample-core';
import { removeTempDirs, runCli, sourceCliArgs, tempDir } from './test-support.js';

afterAll(removeTempDirs);

/** Ten weeks of a weekly rhythm with a little noise, in births-like units. */
const VALUES = Array.from({ length: 70 }, (_, day) =>
  Math.round(10_000 + [400, 600, 500, 450, 700, -1500, -1800][day % 7]! + 37 * Math.sin(day * 1.7)),
);
const stdinOf = (values: readonly (number | string)[]) => `${values.join('\n')}\n`;

let checkpoint = '';

beforeAll(async () => {
  const out = join(await tempDir(), 'stream');
  const trained = await runCli(['train', 'stream', '--quick', '--no-plots', '--json', '--out', out]);
  expect(trained.code).toBe(0);
  checkpoint = join(out, 'checkpoint.safetensors');
}, 240_000);

interface Spawned {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI from source in a child process; `feed` writes to its stdin as output arrives. */
function spawnCli(args: readonly string[], feed: (stdin: NodeJS.WritableStream, stdout: string) => void): Promise<Spawned> {
  const child = spawn(process.execPath, [...sourceCliArgs(), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    feed(child.stdin, stdout);
  });
  feed(child.stdin, stdout);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('recur stream', () => {
  it('prints each forecast as its value is read from piped stdin, before the input ends', async () => {
    let stage = 0;
    const ran = await spawnCli(['stream', checkpoint], (stdin, stdout) => {
      if (stage === 0) {
        stdin.write(stdinOf(VALUES.slice(0, 10)));
        stage = 1;
      } else if (stage === 1 && stdout.split('\n').length > 11) {
        // Ten rows are out while the input is still open: the command streams.
        stdin.end(stdinOf(VALUES.slice(10)));
        stage = 2;
      }
    });
    expect(stage).toBe(2);
    expect(ran.code).toBe(0);
    const lines = ran.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/line\s+value\s+forecast next\s+baseline next/);
    expect(lines).toHaveLength(1 + VALUES.length + 1);
    const rows = lines.slice(1, -1).map((line) => line.trim().split(/\s+/));
    rows.forEach((row, i) => expect(Number(row[1])).toBe(VALUES[i]));
    // A week of values before the first forecast (seasonal-naive needs the value 7 days back).
    expect(rows.slice(0, 6).every((row) => row[2] === '—')).toBe(true);
    expect(rows.slice(6).every((row) => Number.isFinite(Number(row[2])))).toBe(true);
    // Seasonal-naive's forecast of the next value is the value six lines before the current one.
    expect(Number(rows[20]![3])).toBe(VALUES[14]);
    expect(lines.at(-1)).toMatch(/^70 values, 63 scored forecasts: MAE \d+\.\d, seasonal naive \(the value 7 days earlier\) \d+\.\d$/);
  });

  it("--json: one event per value, the forecast of each value is the next one's expected, then a summary", async () => {
    const ran = await runCli(['stream', checkpoint, '--json'], { stdin: stdinOf(VALUES) });
    expect(ran.code).toBe(0);
    const events = ran.events.filter((e) => e.event === 'forecast') as {
      line: number;
      value: number;
      forecast: number | null;
      expected: number | null;
      baseline: number | null;
      error: number | null;
      mae: number | null;
      updates: number;
    }[];
    expect(events).toHaveLength(VALUES.length);
    expect(events.map((e) => e.line)).toEqual(VALUES.map((_, i) => i + 1));
    expect(events[5]!.forecast).toBeNull();
    for (let i = 6; i < events.length - 1; i++) {
      expect(events[i]!.forecast).toEqual(expect.any(Number));
      expect(events[i + 1]!.expected).toBe(events[i]!.forecast);
      expect(events[i + 1]!.error).toBeCloseTo(Math.abs(VALUES[i + 1]! - events[i]!.forecast!), 6);
    }
    expect(events.every((e) => e.updates === 0)).toBe(true);
    const summary = ran.events.at(-1)!;
    expect(summary).toMatchObject({ event: 'summary', task: 'stream', learn: false, values: 70, forecasts: 63, updates: 0 });
    expect(summary.mae).toBeCloseTo(events.at(-1)!.mae!, 9);
  });

  it('--learn updates the model online: forecasts match until the first update, then differ', async () => {
    const frozen = await runCli(['stream', checkpoint, '--json'], { stdin: stdinOf(VALUES) });
    const learning = await runCli(['stream', checkpoint, '--json', '--learn'], { stdin: stdinOf(VALUES) });
    expect(learning.code).toBe(0);
    const forecasts = (ran: typeof frozen) => ran.events.filter((e) => e.event === 'forecast').map((e) => e.forecast as number | null);
    const before = forecasts(frozen);
    const after = forecasts(learning);
    const updates = learning.events.filter((e) => e.event === 'forecast').map((e) => e.updates as number);
    const firstUpdate = updates.findIndex((u) => u > 0);
    expect(firstUpdate).toBeGreaterThan(6);
    expect(after.slice(0, firstUpdate)).toEqual(before.slice(0, firstUpdate));
    for (let i = firstUpdate; i < after.length; i++) expect(after[i]).not.toBe(before[i]);
    expect(learning.events.at(-1)).toMatchObject({ event: 'summary', learn: true, values: 70 });
    expect(learning.events.at(-1)!.updates as number).toBeGreaterThanOrEqual(8);
  });

  it('a line that is not a number: exit 2, one line naming the line number and content', async () => {
    const ran = await spawnCli(['stream', checkpoint], (stdin) => stdin.end('10000\n9000\n\n8000 x\n7000\n'));
    expect(ran.code).toBe(2);
    expect(ran.stderr.trim().split('\n')).toEqual(['recur: line 4: expected a number, got "8000 x"']);
    // The values before it were forecast and printed as they came.
    expect(ran.stdout.trim().split('\n')).toHaveLength(1 + 2);

    const dir = await tempDir();
    const file = join(dir, 'values.txt');
    await writeFile(file, stdinOf([...VALUES.slice(0, 8), 'NaN']));
    const fromFile = await runCli(['stream', checkpoint, file, '--json']);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toBe('recur: line 9: expected a number, got "NaN"\n');
    expect(fromFile.events).toHaveLength(8);
    const missing = await runCli(['stream', checkpoint, join(dir, 'absent.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`recur: ${join(dir, 'absent.txt')}: no such file\n`);
    expect(missing.stdout).toBe('');
  });

  it('beats seasonal-naive on the births stream (1985–1988, one day a line), frozen and learning', async () => {
    const run = (await streamTask.create(resolveConfig(streamTask, [{ source: '--quick', values: STREAM_QUICK }]))) as unknown as StreamRun;
    const days = Array.from(run.series.births.subarray(run.series.validationFrom));
    run.dispose();
    expect(days).toHaveLength(1461);
    for (const flags of [[], ['--learn']]) {
      const ran = await runCli(['stream', checkpoint, '--json', ...flags], { stdin: stdinOf(days) });
      expect(ran.code).toBe(0);
      const summary = ran.events.at(-1) as { event: string; forecasts: number; mae: number; baselineMae: number; updates: number };
      expect(summary).toMatchObject({ event: 'summary', values: 1461, forecasts: 1454 });
      expect(summary.mae).toBeLessThan(summary.baselineMae);
      expect(summary.updates > 0).toBe(flags.length > 0);
    }
  });

  it('a checkpoint of a task that does not stream: exit 2, one line saying so', async () => {
    const out = join(await tempDir(), 'births');
    expect((await runCli(['train', 'births', '--quick', '--epochs', '1', '--no-plots', '--json', '--out', out])).code).toBe(0);
    const births = join(out, 'checkpoint.safetensors');
    const ran = await runCli(['stream', births], { stdin: stdinOf(VALUES) });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(`recur: ${births}: task 'births' does not stream values (train a model that does with: recur train stream)\n`);
    expect(ran.stdout).toBe('');
  });
});
