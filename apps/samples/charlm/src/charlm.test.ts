import { describe, expect, it } from 'vitest';
import { resolveConfig, trainTask, type TrainEvent } from '@recur/sample-core';
import { CharLmRun } from './charlm-run.js';
import { charlmTask } from './charlm-task.js';

describe('charlm --quick, end to end', () => {
  it('the loss falls, perplexity beats the unigram model, the summary is well-formed, generation is seeded', async () => {
    const config = resolveConfig(charlmTask, [{ source: '--quick', values: charlmTask.quickConfig }]);
    const events: TrainEvent[] = [];
    const outcome = await trainTask({ task: charlmTask, config, outDir: null, reporter: (e) => events.push(e) });

    const losses = outcome.history.map((r) => r.trainLoss);
    expect(losses).toHaveLength(config.epochs);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);

    const summary = JSON.parse(JSON.stringify(events.at(-1))) as Record<string, unknown> & {
      metrics: Record<string, number>;
      baseline: Record<string, number>;
    };
    expect(summary).toMatchObject({ event: 'summary', task: 'charlm', split: 'test', higherIsBetter: { perplexity: false } });
    expect(Object.keys(summary.metrics)).toEqual(['perplexity']);
    expect(Object.keys(summary.baseline)).toEqual(['perplexity']);
    // A unigram model of English characters sits near 20–30; context has to do much better.
    expect(summary.baseline.perplexity).toBeGreaterThan(15);
    expect(summary.metrics.perplexity).toBeLessThan(summary.baseline.perplexity! * 0.75);
    // The strong baseline: Kneser-Ney, its order chosen on validation, far below the unigram model.
    const baselines = summary.baselines as Record<string, Record<string, number>>;
    expect(Object.keys(baselines)).toEqual([summary.baselineName, 'interpolated modified Kneser-Ney']);
    const kn = baselines['interpolated modified Kneser-Ney']!;
    expect(kn.order).toBeGreaterThanOrEqual(2);
    expect(kn.perplexity).toBeLessThan(summary.baseline.perplexity! * 0.75);

    const run = (await charlmTask.create(config)) as CharLmRun;
    try {
      const streamed: string[] = [];
      const text = await run.generate({ prompt: 'The whale', length: 30, temperature: 0.8, seed: 1 }, (t) => streamed.push(t));
      expect(text).toHaveLength(30);
      expect(streamed.join('')).toBe(text);
      expect(await run.generate({ prompt: 'The whale', length: 30, temperature: 0.8, seed: 1 })).toBe(text);
      expect(await run.generate({ prompt: 'The whale', length: 30, temperature: 0.8, seed: 2 })).not.toBe(text);
      // The library's sampler: top-k 1 is the greedy choice (temperature 0) at any temperature.
      const greedy = await run.generate({ prompt: 'The whale', length: 30, temperature: 0, seed: 0 });
      expect(greedy).toHaveLength(30);
      expect(await run.generate({ prompt: 'The whale', length: 30, temperature: 1.5, seed: 5, topK: 1 })).toBe(greedy);
      const nucleus = await run.generate({ prompt: 'The whale', length: 30, temperature: 0.8, seed: 1, topP: 0.5 });
      expect(nucleus).toHaveLength(30);
      await expect(run.generate({ prompt: 'x', length: 5, temperature: 0.8, seed: 1, topP: 0 })).rejects.toThrow(
        /topP must be in \(0, 1\]/,
      );
    } finally {
      run.dispose();
    }
  });
});
