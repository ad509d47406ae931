// StandardScaler and MinMaxScaler: fitted on the training part only, exact transforms, the inverse
// round trip, per-feature scaling of rows, constant features, and use before fit.

import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '@recur/tensor';
import { MinMaxScaler, StandardScaler } from './scalers.js';
import { trainValTestSplit } from './split.js';

const series = [2, 4, 4, 4, 5, 5, 7, 9, 100, 200];

describe('StandardScaler', () => {
  it('uses the training part statistics only (population std)', () => {
    const { train, test } = trainValTestSplit(series, { train: 0.8, validation: 0 });
    const scaler = new StandardScaler().fit(train);
    // train = [2,4,4,4,5,5,7,9]: mean 5, population std 2.
    expect([...scaler.mean!]).toEqual([5]);
    expect([...scaler.std!]).toEqual([2]);
    expect(scaler.transform(train)).toEqual([-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]);
    // The test values are far outside, which a scaler fitted on everything would have hidden.
    expect(scaler.transform(test)).toEqual([47.5, 97.5]);
  });

  it('round-trips through inverseTransform', () => {
    const scaler = new StandardScaler();
    const scaled = scaler.fitTransform(series);
    scaler.inverseTransform(scaled).forEach((x, i) => expect(x).toBeCloseTo(series[i]!, 10));
  });

  it('scales each feature of rows separately and leaves constant features unscaled', () => {
    const rows = [
      [1, 10, 3],
      [3, 30, 3],
    ];
    const scaler = new StandardScaler().fit(rows);
    expect(scaler.transform(rows)).toEqual([
      [-1, -1, 0],
      [1, 1, 0],
    ]);
    expect(() => scaler.transform([[1, 2]])).toThrow(ShapeError);
    expect(() => scaler.transform([1, 2])).toThrow(/fitted on rows of features/);
  });

  it('refuses to transform before fit', () => {
    const scaler = new StandardScaler();
    expect(scaler.fitted).toBe(false);
    expect(() => scaler.transform([1])).toThrow(ValueError);
    expect(() => scaler.inverseTransform([1])).toThrow(
      'StandardScaler.inverseTransform: the scaler is not fitted; call fit(trainPart) first',
    );
    expect(() => scaler.fit([])).toThrow(/empty series/);
  });
});

describe('MinMaxScaler', () => {
  it('maps the training min/max to the feature range; later data may leave it', () => {
    const scaler = new MinMaxScaler().fit([2, 4, 6]);
    expect(scaler.transform([2, 3, 6, 10])).toEqual([0, 0.25, 1, 2]);
    const symmetric = new MinMaxScaler({ featureRange: [-1, 1] }).fit([0, 10]);
    expect(symmetric.transform([0, 5, 10])).toEqual([-1, 0, 1]);
  });

  it('round-trips and handles a constant feature', () => {
    const scaler = new MinMaxScaler({ featureRange: [-1, 1] });
    const rows = [
      [1, 5],
      [4, 5],
      [2, 5],
    ];
    const scaled = scaler.fitTransform(rows);
    expect(scaled.map((row) => row[1])).toEqual([-1, -1, -1]);
    scaler.inverseTransform(scaled).forEach((row, n) => row.forEach((x, f) => expect(x).toBeCloseTo(rows[n]![f]!, 10)));
  });

  it('rejects an empty range and use before fit', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(ValueError);
    expect(() => new MinMaxScaler().transform([1])).toThrow(/MinMaxScaler.transform: the scaler is not fitted/);
  });
});
