import { describe, expect, it } from 'vitest';
import { resolveConfig, trainTask, type TrainEvent } from '@recur/sample-core';
import { segmentTask } from './segment-task.js';

describe('segment --quick, end to end', () => {
  it('the loss falls, chunk F1 beats the per-character rule, the summary is well-formed, predict segments', async () => {
    const config = resolveConfig(segmentTask, [{ source: '--quick', values: segmentTask.quickConfig }]);
    const events: TrainEvent[] = [];
    const outcome = await trainTask({ task: segmentTask, config, outDir: null, reporter: (e) => events.push(e) });

    const losses = outcome.history.map((r) => r.trainLoss);
    expect(losses).toHaveLength(config.epochs);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);

    const summary = JSON.parse(JSON.stringify(events.at(-1))) as Record<string, unknown> & {
      metrics: Record<string, number>;
      baseline: Record<string, number>;
    };
    expect(summary).toMatchObject({ event: 'summary', task: 'segment', split: 'test', higherIsBetter: { f1: true } });
    expect(Object.keys(summary.metrics).sort()).toEqual(['f1', 'precision', 'recall']);
    expect(Object.keys(summary.baseline).sort()).toEqual(['f1', 'precision', 'recall']);
    expect(summary.metrics.f1).toBeGreaterThan(summary.baseline.f1! + 0.1);

    const run = await segmentTask.create(config);
    try {
      const prediction = await run.predict('the whale');
      expect(prediction.text.replace(/ /g, '')).toBe('thewhale');
    } finally {
      run.dispose();
    }
  });
});
