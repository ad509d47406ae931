import { describe, expect, it } from 'vitest';
import { History, HISTORY, STEP_FEATURES, seriesSteps } from './stream-data.js';

describe('History', () => {
  it('forecasts after a week; lags not seen yet repeat the oldest same-weekday value', () => {
    const history = new History();
    for (let v = 0; v < 6; v++) history.push(v);
    expect(history.ready).toBe(false);
    history.push(6);
    expect(history.ready).toBe(true);
    // Newest z_6; the day forecast is 7, one week back is z_0; weeks 2–4 are not there yet.
    expect(Array.from(history.features())).toEqual([6, 0, 0, 0, 0]);
    expect(history.naive()).toBe(0);
    for (let v = 7; v < 14; v++) history.push(v);
    expect(Array.from(history.features())).toEqual([13, 7, 0, 0, 0]);
    for (let v = 14; v < 40; v++) history.push(v);
    // Full history: z_39, then z_{33}, z_{26}, z_{19}, z_{12}; the ring buffer has wrapped.
    expect(history.count).toBeGreaterThan(HISTORY);
    expect(Array.from(history.features())).toEqual([39, 33, 26, 19, 12]);
    expect(history.naive()).toBe(33);
  });
});

describe('seriesSteps', () => {
  it('gives the features a stream would see and the corrections to seasonal-naive', () => {
    const z = Array.from({ length: 40 }, (_, t) => Math.sin(t) * 3 + t / 10);
    const steps = seriesSteps(z);
    expect(steps.first).toBe(6);
    expect(steps.corrections).toHaveLength(40 - 7);
    const history = new History();
    for (let t = 0; t < 39; t++) {
      history.push(z[t]!);
      if (t < 6) continue;
      const i = t - 6;
      expect(Array.from(steps.features.subarray(i * STEP_FEATURES, (i + 1) * STEP_FEATURES))).toEqual(Array.from(history.features()));
      expect(steps.naive[i]).toBe(Math.fround(z[t - 6]!));
      expect(steps.corrections[i]).toBe(Math.fround(z[t + 1]! - z[t - 6]!));
    }
  });
});
