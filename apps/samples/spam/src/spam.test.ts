import { describe, expect, it } from 'vitest';
import { resolveConfig, trainTask, type TrainEvent } from '@recur/sample-core';
import type { SpamRun } from './spam-run.js';
import { TFIDF_BASELINE_NAME } from './spam-baseline.js';
import { spamTask } from './spam-task.js';

describe('spam --quick, end to end', () => {
  it('the loss falls, the model beats the majority class on the test split, the summary is well-formed JSON', async () => {
    const config = resolveConfig(spamTask, [{ source: '--quick', values: spamTask.quickConfig }]);
    const events: TrainEvent[] = [];
    const outcome = await trainTask({ task: spamTask, config, outDir: null, reporter: (e) => events.push(e) });

    const losses = outcome.history.map((r) => r.trainLoss);
    expect(losses).toHaveLength(config.epochs);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);

    const summary = JSON.parse(JSON.stringify(events.at(-1))) as Record<string, unknown> & {
      metrics: Record<string, number>;
      baseline: Record<string, number>;
    };
    expect(summary).toMatchObject({ event: 'summary', task: 'spam', split: 'test', baselineName: 'majority class (always ham)' });
    expect(Object.keys(summary.metrics).sort()).toEqual(['accuracy', 'f1']);
    expect(Object.keys(summary.baseline).sort()).toEqual(['accuracy', 'f1']);
    // 164 of the 607 test messages are spam (split by campaign): always-ham scores 443/607 and an F1 of 0.
    expect(summary.baseline.accuracy).toBeCloseTo(443 / 607, 10);
    expect(summary.baseline.f1).toBe(0);
    expect(summary.metrics.accuracy).toBeGreaterThan(summary.baseline.accuracy! + 0.05);
    expect(summary.metrics.f1).toBeGreaterThan(0.5);
    // The strong baseline reads the same first 24 tokens of the same 600 training messages.
    const baselines = summary.baselines as Record<string, Record<string, number>>;
    expect(Object.keys(baselines)).toEqual(['majority class (always ham)', TFIDF_BASELINE_NAME]);
    const tfidf = baselines[TFIDF_BASELINE_NAME]!;
    expect(Object.keys(tfidf).sort()).toEqual(['accuracy', 'c', 'f1']);
    expect(tfidf.accuracy).toBeGreaterThan(summary.baseline.accuracy! + 0.05);
    expect(tfidf.f1).toBeGreaterThan(0.5);
    expect([1, 10, 100, 1000]).toContain(tfidf.c);
  });

  it('pooling "attention": beats the majority class; predict lists and shades the weight of every word read', async () => {
    const config = resolveConfig(spamTask, [
      { source: '--quick', values: spamTask.quickConfig },
      { source: 'test', values: { pooling: 'attention' } },
    ]);
    const events: TrainEvent[] = [];
    await trainTask({ task: spamTask, config, outDir: null, reporter: (e) => events.push(e) });
    const summary = events.at(-1) as unknown as { metrics: Record<string, number>; baseline: Record<string, number> };
    expect(summary.metrics.accuracy).toBeGreaterThan(summary.baseline.accuracy! + 0.05);
    expect(summary.metrics.f1).toBeGreaterThan(0.5);

    const run = (await spamTask.create(config)) as SpamRun;
    try {
      const prediction = await run.predict('Click here for a FREE prize, unsubscribe-me now');
      const value = prediction.value as { label: string; tokens: number; attention: { token: string; weight: number }[] };
      expect(value.attention.map((a) => a.token)).toEqual(
        ['click', 'here', 'for', 'a', 'free', 'prize', ',', 'unsubscribe', '-', 'me', 'now'].slice(0, value.tokens),
      );
      expect(value.attention.reduce((s, a) => s + a.weight, 0)).toBeCloseTo(1, 5);
      expect(prediction.text).toMatch(/^(spam|ham) \(spam probability [\d.]+, \d+ tokens read\)\nmost attended: \S+ \d\.\d\d/);
      expect(prediction.terminalText).toContain('\x1b[48;2;8;48;107m'); // the most attended word, deepest blue
    } finally {
      run.dispose();
    }
  });
});
