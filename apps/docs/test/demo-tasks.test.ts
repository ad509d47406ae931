// The demos' training code, run on the CPU backend with the real data excerpts: the fits the
// demo worker serves (forecastFit, namesFit), run here by fit with the page's event mapping; the
// forecaster and the name classifier must learn (loss falls, held-out scores beat chance).

import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '@recur/backend-cpu';
import { memory, registerBackend, useBackend } from '@recur/tensor';
import { fit, progress, type FitModel, type WorkerFitSetup } from '@recur/train';
import { demoEvent } from '../.vitepress/theme/demos/fit-events.js';
import { FORECAST_DEFAULTS, FORECAST_VALIDATION, forecastFit } from '../.vitepress/theme/demos/forecast-task.js';
import { NAMES_DEFAULTS, NAMES_VALIDATION, classifyName, namesFit } from '../.vitepress/theme/demos/names-task.js';
import type { DemoEvent } from '../.vitepress/theme/demos/protocol.js';
import { birthsExcerpt, namesExcerpt } from '../scripts/make-demo-data.js';

beforeAll(async () => {
  registerBackend(cpu());
  await useBackend('cpu');
});

/** What serveFit does in the worker, here: fit with the setup, progress mapped to the page's events. */
async function run<M extends FitModel, B>(setup: WorkerFitSetup<M, B>, validation: string, events: DemoEvent[]): Promise<void> {
  const { model, epochs, callbacks = [], ...options } = setup;
  const listen = progress((event) => {
    const mapped = demoEvent(event, validation);
    if (mapped) events.push(mapped);
  });
  await fit(model, { ...options, epochs: epochs!, callbacks: [...callbacks, listen] });
}

const losses = (events: DemoEvent[]) => events.flatMap((event) => (event.type === 'step' ? [event.loss] : []));
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const last = <T extends DemoEvent['type']>(events: DemoEvent[], type: T) =>
  events.filter((event): event is Extract<DemoEvent, { type: T }> => event.type === type).at(-1);

describe('demo tasks on the CPU', () => {
  it('the births forecaster learns and forecasts the held-out quarter', async () => {
    const events: DemoEvent[] = [];
    const before = memory().numTensors;
    const setup = forecastFit(await birthsExcerpt(), { ...FORECAST_DEFAULTS, epochs: 3 }, (event) => events.push(event));
    await run(setup, FORECAST_VALIDATION, events);
    setup.model.dispose();
    const steps = losses(events);
    expect(mean(steps.slice(-5))).toBeLessThan(mean(steps.slice(0, 5)) * 0.6);
    expect(last(events, 'forecast')?.dates).toHaveLength(91);
    // Mean absolute error in births per day, against a daily mean of about 10,000.
    expect(last(events, 'epoch')?.validation).toBeLessThan(900);
    expect(memory().numTensors).toBe(before);
  });

  it('the name classifier learns from characters', async () => {
    const events: DemoEvent[] = [];
    const { setup, trained } = namesFit(await namesExcerpt(), { ...NAMES_DEFAULTS, epochs: 3 });
    await run(setup, NAMES_VALIDATION, events);
    const steps = losses(events);
    expect(mean(steps.slice(-5))).toBeLessThan(mean(steps.slice(0, 5)));
    expect(last(events, 'epoch')?.validation).toBeGreaterThan(0.65);
    const probabilities = await classifyName(trained, 'Margaret');
    expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);
    trained.model.dispose();
  });
});
