// The demos' training code, run on the CPU backend with the real data excerpts: the forecaster
// and the name classifier must learn (loss falls, held-out scores beat chance) in a few seconds.

import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '@recur/backend-cpu';
import { memory, registerBackend, useBackend } from '@recur/tensor';
import { FORECAST_DEFAULTS, trainForecast } from '../.vitepress/theme/demos/forecast-task.js';
import { NAMES_DEFAULTS, classifyName, trainNames } from '../.vitepress/theme/demos/names-task.js';
import type { DemoEvent } from '../.vitepress/theme/demos/protocol.js';
import { birthsExcerpt, namesExcerpt } from '../scripts/make-demo-data.js';

beforeAll(async () => {
  registerBackend(cpu());
  await useBackend('cpu');
});

const losses = (events: DemoEvent[]) => events.flatMap((event) => (event.type === 'step' ? [event.loss] : []));
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const last = <T extends DemoEvent['type']>(events: DemoEvent[], type: T) =>
  events.filter((event): event is Extract<DemoEvent, { type: T }> => event.type === type).at(-1);

describe('demo tasks on the CPU', () => {
  it('the births forecaster learns and forecasts the held-out quarter', async () => {
    const events: DemoEvent[] = [];
    const before = memory().numTensors;
    const model = await trainForecast(await birthsExcerpt(), { ...FORECAST_DEFAULTS, epochs: 3 }, (event) => events.push(event));
    model.dispose();
    const steps = losses(events);
    expect(mean(steps.slice(-5))).toBeLessThan(mean(steps.slice(0, 5)) * 0.6);
    expect(last(events, 'forecast')?.dates).toHaveLength(91);
    // Mean absolute error in births per day, against a daily mean of about 10,000.
    expect(last(events, 'epoch')?.validation).toBeLessThan(900);
    expect(memory().numTensors).toBe(before);
  });

  it('the name classifier learns from characters', async () => {
    const events: DemoEvent[] = [];
    const trained = await trainNames(await namesExcerpt(), { ...NAMES_DEFAULTS, epochs: 3 }, (event) => events.push(event));
    const steps = losses(events);
    expect(mean(steps.slice(-5))).toBeLessThan(mean(steps.slice(0, 5)));
    expect(last(events, 'epoch')?.validation).toBeGreaterThan(0.65);
    const probabilities = await classifyName(trained, 'Margaret');
    expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);
    trained.model.dispose();
  });
});
