// Demo 4's logic on the CPU: the signal, and an online learner that forecasts each value before
// it arrives and must beat seasonal-naive over the stream, including after the signal changes.

import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '@recur/backend-cpu';
import { memory, registerBackend, useBackend } from '@recur/tensor';
import type { DemoEvent } from '../.vitepress/theme/demos/protocol.js';
import { STREAM_DEFAULTS, seasonalSignal, streamLearn } from '../.vitepress/theme/demos/stream-task.js';

beforeAll(async () => {
  registerBackend(cpu());
  await useBackend('cpu');
});

type ValueEvent = Extract<DemoEvent, { type: 'stream-value' }>;

describe('streaming demo', () => {
  it('the signal is seeded, seasonal and changes shape halfway', () => {
    const a = seasonalSignal(240, 12, 0.3, 7);
    expect(seasonalSignal(240, 12, 0.3, 7)).toEqual(a);
    expect(seasonalSignal(240, 12, 0.3, 8)).not.toEqual(a);
    const clean = seasonalSignal(240, 12, 0, 7);
    // Noise-free, a period repeats exactly within each half, not across the change.
    expect(clean[30]).toBeCloseTo(clean[18]!, 12);
    expect(clean[150]).toBeCloseTo(clean[138]!, 12);
    expect(Math.abs(clean[126]! - clean[114]!)).toBeGreaterThan(0.3);
  });

  it('forecasts before learning, and its running error ends below seasonal-naive (overall and after the change)', async () => {
    const events: DemoEvent[] = [];
    const before = memory().numTensors;
    await streamLearn({ ...STREAM_DEFAULTS, intervalMs: 0 }, (event) => events.push(event));
    expect(memory().numTensors).toBe(before);
    const values = events.filter((e): e is ValueEvent => e.type === 'stream-value');
    expect(values).toHaveLength(STREAM_DEFAULTS.values);
    expect(values.map((e) => e.t)).toEqual(values.map((_, t) => t));
    const { period, k1 } = STREAM_DEFAULTS;
    // The first forecast is of value P (after a full period); none before it.
    expect(values.slice(0, period).every((e) => e.expected === null)).toBe(true);
    expect(values.slice(period).every((e) => typeof e.expected === 'number')).toBe(true);
    expect(values[period]!.naive).toBe(values[0]!.value);
    // An update after every k1 scored values.
    expect(values.at(-1)!.updates).toBe(Math.floor((STREAM_DEFAULTS.values - period) / k1));
    const last = values.at(-1)!;
    expect(last.mae!).toBeLessThan(last.naiveMae!);
    const half = STREAM_DEFAULTS.values / 2;
    const after = values.slice(half + period);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const modelAfter = mean(after.map((e) => Math.abs(e.value - e.expected!)));
    const naiveAfter = mean(after.map((e) => Math.abs(e.value - e.naive!)));
    console.info(
      `streaming demo: MAE ${last.mae!.toFixed(3)} vs seasonal-naive ${last.naiveMae!.toFixed(3)}; after the change ${modelAfter.toFixed(3)} vs ${naiveAfter.toFixed(3)}`,
    );
    expect(modelAfter).toBeLessThan(naiveAfter);
    expect(events.at(-1)).toMatchObject({ type: 'done', steps: STREAM_DEFAULTS.values });
  });
});
