import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIRTHS_DEFAULTS } from '@recur/sample-births';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from './test-support.js';

afterAll(removeTempDirs);

/** Every message a user error prints is one line starting with "recur: ". */
function expectOneLineError(stderr: string, ...fragments: string[]): void {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.startsWith('recur: ')).toBe(true);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
}

describe('recur tasks', () => {
  it('lists the tasks as a table and as JSON lines', async () => {
    const table = await runCli(['tasks']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^births\s+Forecast/m);
    expect(table.stdout).toMatch(/^spam\s+Spam or ham/m);
    const json = await runCli(['tasks', '--json']);
    expect(json.events.map((e) => e.name)).toEqual(['births', 'spam', 'charlm', 'segment', 'g2p', 'stream']);
    expect(json.events[0]).toMatchObject({ event: 'task', metric: { name: 'mae' }, defaultConfig: { epochs: BIRTHS_DEFAULTS.epochs } });
  });
});

describe('usage errors exit 2 with one line and write nothing', () => {
  it('an unknown flag, a bad flag value, an unknown task', async () => {
    const unknown = await runCli(['train', 'births', '--epoch', '3']);
    expect(unknown.code).toBe(2);
    expectOneLineError(unknown.stderr, "unknown option '--epoch'", '--epochs');
    const value = await runCli(['train', 'births', '--epochs', '0']);
    expect(value.code).toBe(2);
    expectOneLineError(value.stderr, "'--epochs <n>' argument '0' is invalid", 'positive integer');
    const backend = await runCli(['train', 'births', '--backend', 'tpu']);
    expectOneLineError(backend.stderr, 'expected one of: cpu, webgpu');
    const task = await runCli(['train', 'weather']);
    expect(task.code).toBe(2);
    expectOneLineError(task.stderr, "unknown task 'weather'", 'births, spam');
  });

  it('a bad config file names the file and what is wrong; the output directory stays untouched', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    const cases: [string, string, string][] = [
      ['syntax.json', '{"epochs": 2,', 'not valid JSON'],
      ['unknown.json', '{"epochs": 2, "hidden": 8}', 'unknown key "hidden" for task births'],
      ['type.json', '{"lr": "fast"}', '"lr" must be a number, got "fast"'],
      ['range.json', '{"horizon": 9}', '"horizon" must be an integer from 1 to 7, got 9'],
    ];
    for (const [name, text, message] of cases) {
      await writeFile(join(dir, name), text);
      const ran = await runCli(['train', 'births', '--quick', '--config', join(dir, name), '--out', out]);
      expect(ran.code).toBe(2);
      expectOneLineError(ran.stderr, join(dir, name), message);
    }
    const missing = await runCli(['train', 'births', '--config', join(dir, 'absent.json'), '--out', out]);
    expectOneLineError(missing.stderr, join(dir, 'absent.json'), 'no such config file');
    expect(existsSync(out)).toBe(false);
  });

  it('a missing or corrupt checkpoint: exit 2, one line naming the file, the file untouched', async () => {
    const dir = await tempDir();
    const corrupt = join(dir, 'checkpoint.safetensors');
    const bytes = Buffer.from('\x10\x00\x00\x00\x00\x00\x00\x00{"oops": true} garbage');
    await writeFile(corrupt, bytes);
    for (const argv of [
      ['eval', corrupt],
      ['predict', corrupt, '-'],
      ['train', 'births', '--out', dir, '--resume'],
      ['train', 'births', '--resume', corrupt, '--out', join(dir, 'x')],
    ]) {
      const ran = await runCli(argv);
      expect(ran.code).toBe(2);
      expectOneLineError(ran.stderr, corrupt, 'not a usable checkpoint');
    }
    expect(Buffer.compare(await readFile(corrupt), bytes)).toBe(0);
    expect(await readdir(dir)).toEqual(['checkpoint.safetensors']);
    const missing = await runCli(['eval', join(dir, 'none.safetensors')]);
    expect(missing.code).toBe(2);
    expectOneLineError(missing.stderr, join(dir, 'none.safetensors'), 'no such checkpoint file');
  });

  it('generate: a missing checkpoint or a bad flag value exits 2 with one line', async () => {
    const missing = join(await tempDir(), 'none.safetensors');
    const ran = await runCli(['generate', missing, '--length', '100']);
    expect(ran.code).toBe(2);
    expectOneLineError(ran.stderr, missing, 'no such checkpoint file');
    const temperature = await runCli(['generate', missing, '--temperature', '-1']);
    expect(temperature.code).toBe(2);
    expectOneLineError(temperature.stderr, '--temperature', '0 or more');
    const topP = await runCli(['generate', missing, '--top-p', '0']);
    expect(topP.code).toBe(2);
    expectOneLineError(topP.stderr, '--top-p', 'above 0 and at most 1');
  });
});

describe('recur train births --quick', () => {
  it('--json: one object per event, the summary last; plots, summary.json and a checkpoint; eval and predict read it', async () => {
    const out = join(await tempDir(), 'run');
    const ran = await runCli(['train', 'births', '--quick', '--json', '--out', out]);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toBe('');
    const kinds = ran.events.map((e) => e.event);
    expect(kinds[0]).toBe('start');
    expect(kinds.at(-1)).toBe('summary');
    expect(kinds.filter((k) => k === 'epoch')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'epoch-start')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'batch').length).toBeGreaterThan(30);
    expect(kinds.filter((k) => k === 'checkpoint')).toHaveLength(3);
    for (const event of ran.events.filter((e) => e.event === 'epoch')) {
      expect(event).toMatchObject({ epochs: 3, metric: { name: 'mae' } });
      for (const key of ['trainLoss', 'validationLoss', 'lr', 'seconds', 'sequencesPerSecond']) expect(typeof event[key]).toBe('number');
    }
    const summary = ran.events.at(-1) as { task: string; metrics: Record<string, number>; baseline: Record<string, number> };
    expect(summary.task).toBe('births');
    expect(Object.keys(summary.metrics)).toEqual(expect.arrayContaining(['mae', 'rmse', 'mape']));
    expect(Object.keys(summary.baseline)).toEqual(expect.arrayContaining(['mae', 'rmse', 'mape']));
    expect(summary.metrics.mae).toBeLessThan(summary.baseline.mae!);

    expect((await readdir(out)).sort()).toEqual(['checkpoint.safetensors', 'forecast.svg', 'loss.svg', 'summary.json']);
    for (const svg of ['loss.svg', 'forecast.svg'])
      expect(await readFile(join(out, svg), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'))).toMatchObject({ event: 'summary', config: { epochs: 3 } });

    const evaluated = await runCli(['eval', join(out, 'checkpoint.safetensors'), '--json']);
    expect(evaluated.code).toBe(0);
    expect((evaluated.events[0] as { metrics: { mae: number } }).metrics.mae).toBeCloseTo(summary.metrics.mae!, 6);
    const table = await runCli(['eval', join(out, 'checkpoint.safetensors')]);
    // One column per baseline (seasonal naive, ridge), then the best of them all.
    const maeRow = /^mae\s+(\d+\.\d)\s+(\d+\.\d)\s+(\d+\.\d)\s+\S/m.exec(table.stdout);
    expect(maeRow, table.stdout).not.toBeNull();
    expect(Number(maeRow![1])).toBeCloseTo(summary.metrics.mae!, 1);
    expect(Number(maeRow![1])).toBeLessThan(Number(maeRow![2]));

    const predicted = await runCli(['predict', join(out, 'checkpoint.safetensors')]);
    expect(predicted.code).toBe(0);
    expect(predicted.stdout.split('\n').filter((l) => /^1989-01-0\d\s+\d+\s+\d+$/.test(l))).toHaveLength(7);
    const series = `1988-06-30 ${Array.from({ length: 14 }, (_, i) => (i % 7 < 5 ? 11000 : 9000)).join(' ')}`;
    const fromStdin = await runCli(['predict', join(out, 'checkpoint.safetensors'), '-', '--json'], { stdin: series });
    expect(fromStdin.events[0]).toMatchObject({ event: 'prediction', task: 'births' });
    const bad = await runCli(['predict', join(out, 'checkpoint.safetensors'), '1988-06-30 1 2']);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, 'input: got 2 numbers');
    const generated = await runCli(['generate', join(out, 'checkpoint.safetensors')]);
    expect(generated.code).toBe(2);
    expectOneLineError(generated.stderr, "saved by task 'births'", 'charlm checkpoint');
  });

  it('--resume continues from the checkpoint up to the new --epochs', async () => {
    const out = join(await tempDir(), 'run');
    const first = await runCli(['train', 'births', '--quick', '--epochs', '2', '--json', '--no-plots', '--out', out]);
    expect(first.code).toBe(0);
    expect(first.events.filter((e) => e.event === 'epoch').map((e) => e.epoch)).toEqual([1, 2]);
    const resumed = await runCli(['train', 'births', '--resume', '--epochs', '3', '--json', '--no-plots', '--out', out]);
    expect(resumed.code).toBe(0);
    expect(resumed.events[0]).toMatchObject({ event: 'start', startEpoch: 2, epochs: 3, resumedFrom: join(out, 'checkpoint.safetensors') });
    expect(resumed.events.filter((e) => e.event === 'epoch').map((e) => e.epoch)).toEqual([3]);
    expect(resumed.events.at(-1)).toMatchObject({ event: 'summary', epochs: 3 });
    const history = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { history: { epoch: number }[] };
    expect(history.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    const other = await runCli(['train', 'spam', '--resume', join(out, 'checkpoint.safetensors'), '--out', out]);
    expect(other.code).toBe(2);
    expectOneLineError(other.stderr, "saved by task 'births', not 'spam'");
  });

  it('without --json, plain lines on stderr (no terminal) and the summary table on stdout', async () => {
    const out = join(await tempDir(), 'run');
    await mkdir(out, { recursive: true });
    const ran = await runCli(['train', 'births', '--quick', '--no-plots', '--out', out]);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toMatch(/^epoch 1\/3 {2}loss \d\.\d{4} {2}val_loss/m);
    expect(ran.stdout).toMatch(/^births — test split, after 3 epochs/);
    expect(ran.stdout).toMatch(/^metric\s+model\s+seasonal naive/m);
  });
});

describe('recur train charlm --quick, then recur generate', () => {
  it('streams seeded text after the prompt from the checkpoint; --json gives one object', async () => {
    const out = join(await tempDir(), 'run');
    const ran = await runCli(['train', 'charlm', '--quick', '--epochs', '1', '--json', '--no-plots', '--out', out]);
    expect(ran.code).toBe(0);
    const summary = ran.events.at(-1) as { task: string; metrics: Record<string, number>; baseline: Record<string, number> };
    expect(summary).toMatchObject({ event: 'summary', task: 'charlm' });
    expect(summary.metrics.perplexity).toBeLessThan(summary.baseline.perplexity!);

    const checkpoint = join(out, 'checkpoint.safetensors');
    const argv = ['generate', checkpoint, '--prompt', 'The whale ', '--length', '40', '--temperature', '0.7', '--seed', '3'];
    const first = await runCli(argv);
    expect(first.code).toBe(0);
    expect(first.stdout.startsWith('The whale ')).toBe(true);
    expect(Array.from(first.stdout)).toHaveLength('The whale '.length + 40 + 1);
    expect((await runCli(argv)).stdout).toBe(first.stdout);
    const json = await runCli([...argv, '--json']);
    expect(json.events).toHaveLength(1);
    expect(json.events[0]).toMatchObject({
      event: 'generation',
      task: 'charlm',
      prompt: 'The whale ',
      length: 40,
      seed: 3,
      topK: 0,
      topP: 1,
      text: first.stdout.slice(10, -1),
    });
    // Top-k 1 leaves only the most likely character: the same text as temperature 0.
    const greedy = await runCli([...argv.slice(0, -4), '--temperature', '0']);
    expect((await runCli([...argv, '--top-k', '1'])).stdout).toBe(greedy.stdout);
    expect(Array.from((await runCli([...argv, '--top-p', '0.9'])).stdout)).toHaveLength('The whale '.length + 40 + 1);
  });
});

describe('recur train g2p --quick, then eval and predict', () => {
  it('the summary (last line) beats the letter rules; the heatmap is drawn; predict reads a word or stdin lines', async () => {
    const out = join(await tempDir(), 'run');
    const ran = await runCli(['train', 'g2p', '--quick', '--epochs', '2', '--json', '--out', out]);
    expect(ran.code).toBe(0);
    const summary = ran.events.at(-1) as { event: string; task: string; metrics: Record<string, number>; baseline: Record<string, number> };
    expect(summary).toMatchObject({ event: 'summary', task: 'g2p', split: 'test', higherIsBetter: { per: false, wer: false, bleu: true } });
    expect(Object.keys(summary.metrics)).toEqual(['per', 'wer', 'bleu', 'per_any', 'wer_any']);
    expect(Object.keys(summary.baseline)).toEqual(['per', 'wer', 'bleu', 'per_any', 'wer_any']);
    expect(summary.metrics.per).toBeLessThan(summary.baseline.per!);
    expect((await readdir(out)).sort()).toEqual(['attention.svg', 'checkpoint.safetensors', 'loss.svg', 'summary.json']);
    const heatmap = await readFile(join(out, 'attention.svg'), 'utf8');
    expect(heatmap).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(heatmap).toContain('aria-roledescription="rect mark"');

    const checkpoint = join(out, 'checkpoint.safetensors');
    const evaluated = await runCli(['eval', checkpoint, '--json']);
    expect((evaluated.events[0] as { metrics: { per: number } }).metrics.per).toBeCloseTo(summary.metrics.per!, 6);
    const one = await runCli(['predict', checkpoint, 'python']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^[A-Z]+( [A-Z]+)*\n$/);
    const lines = await runCli(['predict', checkpoint, '-', '--json'], { stdin: 'cat\nDOG\n' });
    expect(lines.events[0]).toMatchObject({
      event: 'prediction',
      task: 'g2p',
      prediction: { predictions: [{ word: 'CAT' }, { word: 'DOG' }] },
    });
    const bad = await runCli(['predict', checkpoint, 'R2-D2']);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, 'letters A–Z', 'got "R2-D2"');
  });
});
