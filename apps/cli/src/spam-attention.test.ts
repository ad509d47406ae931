// recur predict on a spam checkpoint trained with attention pooling: --json lists a weight for
// every word read (they sum to 1), piped output names the most attended words without colour
// codes, and the model's accuracy and F1 beat the majority class.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from './test-support.js';

afterAll(removeTempDirs);

describe('recur train spam --quick with "pooling": "attention", then recur predict', () => {
  it('lists the attention weight of every word with --json and the most attended words when piped', async () => {
    const dir = await tempDir();
    const config = join(dir, 'attention.json');
    await writeFile(config, JSON.stringify({ pooling: 'attention' }));
    const out = join(dir, 'run');
    const ran = await runCli(['train', 'spam', '--quick', '--config', config, '--json', '--no-plots', '--out', out]);
    expect(ran.code).toBe(0);
    const summary = ran.events.at(-1) as { metrics: Record<string, number>; baseline: Record<string, number> };
    expect(summary.metrics.f1).toBeGreaterThan(summary.baseline.f1! + 0.5);

    const checkpoint = join(out, 'checkpoint.safetensors');
    const message = 'Click here to claim your FREE prize now';
    const json = await runCli(['predict', checkpoint, message, '--json']);
    expect(json.code).toBe(0);
    const prediction = (json.events[0] as { prediction: { label: string; tokens: number; attention: { token: string; weight: number }[] } })
      .prediction;
    expect(prediction.attention.map((a) => a.token)).toEqual(['click', 'here', 'to', 'claim', 'your', 'free', 'prize', 'now']);
    expect(prediction.attention.reduce((s, a) => s + a.weight, 0)).toBeCloseTo(1, 5);

    const piped = await runCli(['predict', checkpoint, message]);
    expect(piped.stdout).toMatch(/^(spam|ham) \(spam probability [\d.]+, 8 tokens read\)\nmost attended: \w+ \d\.\d\d/);
    expect(piped.stdout).not.toContain('\x1b[');
  });
});
