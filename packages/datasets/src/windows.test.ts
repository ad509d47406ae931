// slidingWindows and windowCollate: exact window values for lookback/horizon/stride, counts,
// multivariate rows, errors, and the tensor shapes an RNN with batchFirst takes.

import { describe, expect, it } from 'vitest';
import { IndexError, ShapeError, ValueError } from '@recur/tensor';
import { slidingWindows, windowCollate } from './windows.js';

const series = Array.from({ length: 15 }, (_, i) => i * 10);

describe('slidingWindows', () => {
  it('the seed setup: lookback 10 predicts the next value', () => {
    const windows = slidingWindows(series, { lookback: 10 });
    expect(windows.length).toBe(5);
    expect(windows.get(0)).toEqual({ input: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90], target: [100], start: 0 });
    expect(windows.get(4)).toEqual({ input: [40, 50, 60, 70, 80, 90, 100, 110, 120, 130], target: [140], start: 4 });
  });

  it('multi-step horizon and stride', () => {
    const windows = slidingWindows(series, { lookback: 3, horizon: 2, stride: 4 });
    // ⌊(15 − 3 − 2) / 4⌋ + 1 = 3 windows, starting at 0, 4, 8.
    expect(windows.length).toBe(3);
    expect(windows.get(1)).toEqual({ input: [40, 50, 60], target: [70, 80], start: 4 });
    expect(windows.get(2)).toEqual({ input: [80, 90, 100], target: [110, 120], start: 8 });
    expect(() => windows.get(3)).toThrow(IndexError);
  });

  it('is empty when the series is shorter than lookback + horizon', () => {
    expect(slidingWindows([1, 2, 3], { lookback: 3 }).length).toBe(0);
    expect(slidingWindows(Float64Array.from([1, 2, 3, 4]), { lookback: 3 }).get(0).target).toEqual([4]);
  });

  it('windows rows of features', () => {
    const rows = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ];
    const windows = slidingWindows(rows, { lookback: 2, horizon: 1 });
    expect(windows.features).toBe(2);
    expect(windows.length).toBe(2);
    expect(windows.get(1)).toEqual({
      input: [
        [3, 4],
        [5, 6],
      ],
      target: [[7, 8]],
      start: 1,
    });
    expect(() => slidingWindows([[1, 2], [3]], { lookback: 1 })).toThrow(ShapeError);
  });

  it('rejects non-positive lookback, horizon or stride', () => {
    expect(() => slidingWindows(series, { lookback: 0 })).toThrow(ValueError);
    expect(() => slidingWindows(series, { lookback: 2, horizon: 0 })).toThrow(/horizon must be a positive integer; got 0/);
    expect(() => slidingWindows(series, { lookback: 2, stride: 1.5 })).toThrow(ValueError);
  });
});

describe('windowCollate', () => {
  it('stacks univariate windows into inputs [B, lookback, 1] and targets [B, horizon]', () => {
    const windows = slidingWindows(series, { lookback: 3, horizon: 2 });
    const batch = windowCollate()([windows.get(0), windows.get(5)]);
    expect(batch.inputs.shape).toEqual([2, 3, 1]);
    expect(batch.inputs.dtype).toBe('float32');
    expect(batch.inputs.toArraySync()).toEqual([
      [[0], [10], [20]],
      [[50], [60], [70]],
    ]);
    expect(batch.targets.shape).toEqual([2, 2]);
    expect(batch.targets.toArraySync()).toEqual([
      [30, 40],
      [80, 90],
    ]);
  });

  it('stacks multivariate windows into [B, lookback, F] and [B, horizon, F]', () => {
    const windows = slidingWindows(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { lookback: 2 },
    );
    const batch = windowCollate()([windows.get(0)]);
    expect(batch.inputs.toArraySync()).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expect(batch.targets.toArraySync()).toEqual([[[5, 6]]]);
    expect(() => windowCollate()([])).toThrow(/empty batch/);
  });
});
