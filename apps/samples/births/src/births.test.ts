import { describe, expect, it } from 'vitest';
import { resolveConfig, trainTask, type TrainEvent } from '@recur/sample-core';
import { RIDGE_LAMBDAS } from './births-ridge.js';
import { birthsTask } from './births-task.js';

describe('births --quick, end to end', () => {
  it('the loss falls, the model beats seasonal-naive on the test split, the summary is well-formed JSON', async () => {
    const config = resolveConfig(birthsTask, [{ source: '--quick', values: birthsTask.quickConfig }]);
    const events: TrainEvent[] = [];
    const outcome = await trainTask({ task: birthsTask, config, outDir: null, reporter: (e) => events.push(e) });

    const losses = outcome.history.map((r) => r.trainLoss);
    expect(losses).toHaveLength(config.epochs);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(outcome.history.at(-1)!.validationLoss).toBeLessThan(outcome.history[0]!.validationLoss);

    const summary = JSON.parse(JSON.stringify(events.at(-1))) as Record<string, unknown> & {
      metrics: Record<string, number>;
      baseline: Record<string, number>;
    };
    expect(summary).toMatchObject({ event: 'summary', task: 'births', split: 'test' });
    for (const part of [summary.metrics, summary.baseline]) {
      for (const key of ['mae', 'rmse', 'mape']) expect(Number.isFinite(part[key])).toBe(true);
    }
    expect(summary.metrics.mae).toBeLessThan(summary.baseline.mae!);
    expect(summary.metrics.rmse).toBeLessThan(summary.baseline.rmse!);
    expect(summary.metrics.mape).toBeLessThan(summary.baseline.mape!);
    // Seasonal-naive's test MAE is a property of the data, not of training.
    expect(summary.baseline.mae).toBeCloseTo(302.99, 1);
    // The strong baseline, on the same windows: ridge on the window and calendar, λ from validation.
    const baselines = summary.baselines as Record<string, Record<string, number>>;
    const ridgeName = 'ridge (window + calendar, holiday × weekday)';
    expect(Object.keys(baselines)).toEqual([summary.baselineName, ridgeName]);
    expect(baselines[summary.baselineName as string]).toEqual(summary.baseline);
    const ridge = baselines[ridgeName]!;
    expect(RIDGE_LAMBDAS as readonly number[]).toContain(ridge.lambda);
    for (const key of ['mae', 'rmse', 'mape', 'mae_7d']) expect(Number.isFinite(ridge[key])).toBe(true);
    expect(ridge.mae).toBeLessThan(summary.baseline.mae!);
    expect(outcome.plots.map((p) => p.name)).toEqual(['loss', 'forecast']);
  });
});
