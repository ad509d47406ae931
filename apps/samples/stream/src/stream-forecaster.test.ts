import { describe, expect, it } from 'vitest';
import { TrainingDivergedError } from '@recur/sample-core';
import { ValueError, fromTypedArray, manualSeed, noGrad } from '@recur/tensor';
import { STEP_FEATURES, seriesSteps } from './stream-data.js';
import { OnlineForecaster } from './stream-forecaster.js';
import { StreamModel } from './stream-model.js';

const scale = { mean: 10_000, std: 1_000 };
const values = Array.from(
  { length: 60 },
  (_, day) => 10_000 + [300, 500, 400, 350, 600, -1400, -1700][day % 7]! + 41 * Math.sin(day * 1.3),
);
const frozenOptions = { learn: false, lr: 0.001, k1: 7, k2: 21, clipNorm: 1 };

describe('OnlineForecaster', () => {
  it('frozen, value by value, it forecasts exactly what one forward over the whole series does', async () => {
    manualSeed(3);
    const model = new StreamModel({ hiddenSize: 6, numLayers: 2 });
    const forecaster = new OnlineForecaster(model, scale, frozenOptions);
    const forecasts: (number | null)[] = [];
    for (const value of values) forecasts.push((await forecaster.push(value)).forecast);
    forecaster.dispose();
    const steps = seriesSteps(values.map((v) => (v - scale.mean) / scale.std));
    const n = steps.corrections.length;
    const [out] = noGrad(() => model.forward(fromTypedArray(steps.features, [1, n, STEP_FEATURES]), model.initialState(1)));
    const corrections = out.dataSync();
    expect(forecasts.slice(0, 6)).toEqual(Array(6).fill(null));
    // Step i forecasts value 7 + i; the stream's last forecast (of a value not given) is extra.
    for (let i = 0; i < n; i++) {
      const naive = (values[i]! - scale.mean) / scale.std;
      expect(forecasts[6 + i]).toBe((naive + corrections[i]!) * scale.std + scale.mean);
    }
    model.dispose();
  });

  it('learning: forecasts match the frozen ones until the first update after k1 targets, then move', async () => {
    manualSeed(4);
    const model = new StreamModel({ hiddenSize: 5, numLayers: 1 });
    const frozen = new OnlineForecaster(model, scale, frozenOptions);
    const fixed = [];
    for (const value of values) fixed.push(await frozen.push(value));
    frozen.dispose();
    const learning = new OnlineForecaster(model, scale, { ...frozenOptions, learn: true, lr: 0.01 });
    const learned = [];
    for (const value of values) learned.push(await learning.push(value));
    learning.dispose();
    // The first forecast is made at value 7 and learned from at value 8; 7 targets → update at value 14.
    const firstUpdate = learned.findIndex((s) => s.updates > 0);
    expect(firstUpdate).toBe(13);
    expect(learned.slice(0, 13).map((s) => s.forecast)).toEqual(fixed.slice(0, 13).map((s) => s.forecast));
    expect(learned[13]!.forecast).not.toBe(fixed[13]!.forecast);
    expect(learned.at(-1)!.updates).toBe(Math.floor((values.length - 7) / 7));
    // Prequential: what each value is scored against is the forecast made before it arrived.
    for (let i = 7; i < values.length; i++) expect(learned[i]!.expected).toBe(learned[i - 1]!.forecast);
    model.dispose();
  });

  it('rejects a non-finite value; a runaway learning rate stops with TrainingDivergedError', async () => {
    manualSeed(5);
    const model = new StreamModel({ hiddenSize: 4, numLayers: 1 });
    const frozen = new OnlineForecaster(model, scale, frozenOptions);
    await expect(frozen.push(Number.NaN)).rejects.toThrow(ValueError);
    frozen.dispose();
    const wild = new OnlineForecaster(model, scale, { ...frozenOptions, learn: true, lr: 1e38, clipNorm: 0 });
    const run = async () => {
      for (const value of values) await wild.push(value * 1e6);
    };
    await expect(run()).rejects.toThrow(TrainingDivergedError);
    await expect(run()).rejects.toThrow(/online learning diverged: .* at value \d+ \(lr 1e\+38\)/);
    wild.dispose();
    model.dispose();
  });
});
