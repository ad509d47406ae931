import { describe, expect, it } from 'vitest';
import { resolveConfig, trainTask, type HeatmapPlot, type TrainEvent } from '@recur/sample-core';
import { memory } from '@recur/tensor';
import { g2pTask } from './g2p-task.js';
import type { G2pRun } from './g2p-run.js';

describe('g2p --quick, end to end', () => {
  it('the loss falls, PER and WER beat the letter rules, the summary is well-formed, the heatmap covers the word', async () => {
    const config = resolveConfig(g2pTask, [{ source: '--quick', values: g2pTask.quickConfig }]);
    const events: TrainEvent[] = [];
    const before = memory().numTensors;
    const outcome = await trainTask({ task: g2pTask, config, outDir: null, reporter: (e) => events.push(e) });
    // Everything the run made is freed with it.
    expect(memory().numTensors).toBe(before);

    const losses = outcome.history.map((r) => r.trainLoss);
    expect(losses).toHaveLength(config.epochs);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);

    const summary = JSON.parse(JSON.stringify(events.at(-1))) as Record<string, unknown> & {
      metrics: Record<string, number>;
      baseline: Record<string, number>;
    };
    expect(summary).toMatchObject({ event: 'summary', task: 'g2p', split: 'test', higherIsBetter: { per: false, wer: false, bleu: true } });
    expect(Object.keys(summary.metrics)).toEqual(['per', 'wer', 'bleu', 'per_any', 'wer_any']);
    expect(Object.keys(summary.baseline)).toEqual(['per', 'wer', 'bleu', 'per_any', 'wer_any']);
    // Any listed pronunciation counts: never more errors than against the first alone, and some
    // test words (READ, LIVE, …) have several, so the model gains somewhere on 500 words.
    expect(summary.metrics.wer_any).toBeLessThan(summary.metrics.wer!);
    expect(summary.metrics.per_any).toBeLessThanOrEqual(summary.metrics.per!);
    expect(summary.baseline.wer_any).toBeLessThanOrEqual(summary.baseline.wer!);
    for (const value of [...Object.values(summary.metrics), ...Object.values(summary.baseline)]) expect(value).toBeGreaterThanOrEqual(0);
    // The strong baselines are published figures under their own scoring rule, marked as such and
    // listed beside the letter rules, which are computed on these words.
    const baselines = summary.baselines as Record<string, Record<string, number>>;
    const names = Object.keys(baselines);
    expect(baselines[names[0]!]).toEqual(summary.baseline);
    const published = names.filter((name) => name.includes('(published, not our split)'));
    expect(published.length).toBeGreaterThanOrEqual(2);
    expect(published.map((name) => name.split(',')[0])).toEqual(expect.arrayContaining(['g2p-seq2seq LSTM 2×512', 'Phonetisaurus WFST']));
    for (const name of published) {
      expect(name).toMatch(/any-match/);
      expect(Object.keys(baselines[name]!)).toEqual(['wer_any']);
      expect(baselines[name]!.wer_any).toBeGreaterThan(0.2);
      expect(baselines[name]!.wer_any).toBeLessThan(0.4);
    }
    expect(summary.metrics.per).toBeLessThan(summary.baseline.per!);
    expect(summary.metrics.wer).toBeLessThan(summary.baseline.wer!);

    expect(outcome.plots.map((p) => p.name)).toEqual(['loss', 'attention']);
    const heatmap = outcome.plots[1] as HeatmapPlot;
    const letters = new Set(heatmap.cells.map((c) => c.x));
    const steps = new Set(heatmap.cells.map((c) => c.y));
    expect(heatmap.cells).toHaveLength(letters.size * steps.size);
    // Each decoder step's weights are a distribution over the word's letters.
    for (const step of steps) {
      const total = heatmap.cells.filter((c) => c.y === step).reduce((s, c) => s + c.value, 0);
      expect(total).toBeCloseTo(1, 4);
    }
  });

  it('predict: one word gives its phonemes, several lines one word each; bad input is an InputError', async () => {
    const config = resolveConfig(g2pTask, [{ source: '--quick', values: { ...g2pTask.quickConfig, trainLimit: 200 } }]);
    const run = (await g2pTask.create(config)) as G2pRun;
    try {
      const one = await run.predict('python');
      expect(one.text).toMatch(/^[A-Z]+( [A-Z]+)*$|^$/);
      expect(one.value).toMatchObject({ predictions: [{ word: 'PYTHON' }] });
      const many = await run.predict('cat\n\nDOG\n');
      expect(many.text.split('\n').map((line) => line.split(' ')[0])).toEqual(['CAT', 'DOG']);
      await expect(run.predict('')).rejects.toThrow(/expected a word/);
      await expect(run.predict('hello world')).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('got "hello world"'),
      });
      await expect(run.predict('R2D2')).rejects.toThrow(/letters A–Z/);
    } finally {
      run.dispose();
    }
  });
});
