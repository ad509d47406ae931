import { describe, expect, it } from 'vitest';
import { birthsTask, type BirthsRun } from '@recur/sample-births';
import { resolveConfig, trainTask, type TrainContext, type TrainEvent } from '@recur/sample-core';
import { manualSeed } from '@recur/tensor';
import { scores, type StreamRun } from './stream-run.js';
import { streamTask } from './stream-task.js';

const context: TrainContext = {
  reporter: () => undefined,
  signal: new AbortController().signal,
  backend: 'cpu',
  // A bare fit: no checkpoints, events or divergence checks.
  callbacks: () => [],
};

describe('stream --quick, end to end', () => {
  it('the loss falls; streamed, the model beats seasonal-naive, and learning online beats keeping the weights', async () => {
    const config = resolveConfig(streamTask, [{ source: '--quick', values: streamTask.quickConfig }]);
    const events: TrainEvent[] = [];
    const outcome = await trainTask({ task: streamTask, config, outDir: null, reporter: (e) => events.push(e) });
    const losses = outcome.history.map((r) => r.trainLoss);
    expect(losses).toHaveLength(config.epochs);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    const summary = JSON.parse(JSON.stringify(events.at(-1))) as {
      event: string;
      metrics: Record<string, number>;
      baseline: Record<string, number>;
    };
    expect(summary).toMatchObject({ event: 'summary', task: 'stream', split: 'test' });
    for (const key of ['mae', 'rmse', 'mape', 'mae_frozen', 'rmse_frozen', 'mape_frozen'])
      expect(summary.metrics[key]).toBeLessThan(summary.baseline[key]!);
    expect(summary.metrics.mae).toBeLessThan(summary.metrics.mae_frozen!);
    // Seasonal-naive over every day of 1987–1988 is a property of the data.
    expect(summary.baseline.mae).toBeCloseTo(311.61, 1);
    expect(outcome.plots.map((p) => p.name)).toEqual(['loss', 'forecast']);
  });

  it('against the batch-trained births model (--quick each) on the same test days', async () => {
    const streamConfig = resolveConfig(streamTask, [{ source: '--quick', values: streamTask.quickConfig }]);
    manualSeed(streamConfig.seed);
    const stream = (await streamTask.create(streamConfig)) as unknown as StreamRun;
    const birthsConfig = resolveConfig(birthsTask, [{ source: '--quick', values: birthsTask.quickConfig }]);
    manualSeed(birthsConfig.seed);
    const births = (await birthsTask.create(birthsConfig)) as unknown as BirthsRun;
    try {
      await stream.train(context);
      const { series } = stream;
      const learned = await stream.replay(series.validationFrom, series.births.length, { learn: true, scoreFrom: series.testFrom });
      await births.train(context);
      // The births model forecasts the day after each 14-day window of the test years (its first column).
      const forecast = await births.forecast(births.splits.test);
      const nextDay = new Map(
        births.splits.test.map((w, i) => [
          births.splits.series.dates[w.offset + birthsConfig.lookback]!,
          forecast.predicted[i * birthsConfig.horizon]!,
        ]),
      );
      const days = learned.dates.flatMap((date, i) => (nextDay.has(date) ? [i] : []));
      expect(days.length).toBe(births.splits.test.length);
      const actual = days.map((i) => learned.actual[i]!);
      const streamed = scores(
        actual,
        days.map((i) => learned.model[i]!),
      );
      const batch = scores(
        actual,
        days.map((i) => nextDay.get(learned.dates[i]!)!),
      );
      const naive = scores(
        actual,
        days.map((i) => learned.naive[i]!),
      );
      console.info(
        `stream --quick vs births --quick, next-day MAE on ${days.length} test days: stream (learning) ${streamed.mae!.toFixed(1)}, births ${batch.mae!.toFixed(1)}, seasonal naive ${naive.mae!.toFixed(1)}`,
      );
      // Both beat the baseline on exactly the same days. How they rank against each other is
      // reported, not asserted: the births sample evolves on its own (README: the full runs).
      expect(streamed.mae).toBeLessThan(naive.mae!);
      expect(batch.mae).toBeLessThan(naive.mae!);
      expect(streamed.rmse).toBeLessThan(naive.rmse!);
    } finally {
      stream.dispose();
      births.dispose();
    }
  });
});
