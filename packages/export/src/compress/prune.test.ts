import { describe, expect, it } from 'vitest';
import { LSTMModel, Linear } from '@recur/cells';
import { ValueError, noGrad, tensor } from '@recur/tensor';
import { globalUnstructured, l1Unstructured, weightMatrices } from './prune.js';
import { sparsityReport } from './sparsity.js';

function linearWith(weight: number[][]): Linear {
  const layer = new Linear({ inFeatures: weight[0]!.length, outFeatures: weight.length });
  const values = tensor(weight);
  noGrad(() => layer.weight.assign(values));
  values.dispose();
  return layer;
}
const valuesOf = (layer: Linear) => Array.from(layer.weight.dataSync());

describe('l1Unstructured', () => {
  it('zeros the fraction of smallest |w| and reports it', () => {
    const layer = linearWith([
      [0.5, -0.1, 2, -3],
      [0.05, 1, -0.2, 0.3],
    ]);
    const bias = Array.from(layer.bias!.dataSync());
    const report = l1Unstructured(layer, 'weight', { amount: 0.5 });
    expect(valuesOf(layer)).toEqual([0.5, 0, 2, -3, 0, 1, 0, 0].map(Math.fround));
    expect(Array.from(layer.bias!.dataSync())).toEqual(bias);
    expect(report.total).toEqual({ size: 8, zeros: 4, sparsity: 0.5 });
    expect(report.parameters).toEqual([{ name: 'Linear.weight', size: 8, zeros: 4, sparsity: 0.5 }]);
  });

  it('rounds amount · N half to even, as Python round() in torch (2.5 → 2, 3.5 → 4)', () => {
    const five = linearWith([[1, 2, 3, 4, 5]]);
    l1Unstructured(five, 'weight', { amount: 0.5 });
    expect(valuesOf(five)).toEqual([0, 0, 3, 4, 5]);
    const seven = linearWith([[7, 6, 5, 4, 3, 2, 1]]);
    l1Unstructured(seven, 'weight', { amount: 0.5 });
    expect(valuesOf(seven)).toEqual([7, 6, 5, 0, 0, 0, 0]);
  });

  it('count prunes that many entries; ties at the threshold go by index order', () => {
    const layer = linearWith([[0.3, -0.2, 0.2, 0.2, -0.2, 1]]);
    l1Unstructured(layer, 'weight', { count: 3 });
    expect(valuesOf(layer)).toEqual([0.3, 0, 0, 0, -0.2, 1].map(Math.fround));
  });

  it('amount 0 changes nothing and amount 1 zeros everything', () => {
    const layer = linearWith([[1, -2]]);
    l1Unstructured(layer, 'weight', { amount: 0 });
    expect(valuesOf(layer)).toEqual([1, -2]);
    l1Unstructured(layer, 'weight', { amount: 1 });
    expect(valuesOf(layer)).toEqual([0, 0]);
  });

  it('refuses bad arguments with a ValueError naming what came', () => {
    const layer = linearWith([[1, 2]]);
    expect(() => l1Unstructured(layer, 'weight', { amount: 1.5 })).toThrow(/amount must be a fraction in \[0, 1\]; got 1.5/);
    expect(() => l1Unstructured(layer, 'weight', { count: 3 })).toThrow(/count 3 is larger than the 2 entries/);
    expect(() => l1Unstructured(layer, 'weight', { count: 1.5 })).toThrow(ValueError);
    expect(() => l1Unstructured(layer, 'weight', { amount: 0.5, count: 1 })).toThrow(/exactly one of amount/);
    expect(() => l1Unstructured(layer, 'weights', { amount: 0.5 })).toThrow(/Linear has no parameter 'weights' \(it has: weight, bias\)/);
    expect(() => l1Unstructured(layer, 'weight', { amont: 0.5 } as never)).toThrow(/unknown option 'amont'/);
    expect(valuesOf(layer)).toEqual([1, 2]);
  });
});

describe('globalUnstructured', () => {
  it('uses one threshold over all parameters, so layers lose different fractions', () => {
    const a = linearWith([[0.1, 0.2, 3, 4]]);
    const b = linearWith([[0.15, 5, 0.05, 6]]);
    const report = globalUnstructured(
      [
        [a, 'weight'],
        [b, 'weight'],
      ],
      { amount: 0.5 },
    );
    expect(valuesOf(a)).toEqual([0, 0, 3, 4]);
    expect(valuesOf(b)).toEqual([0, 5, 0, 6]);
    expect(report.total).toEqual({ size: 8, zeros: 4, sparsity: 0.5 });
    expect(report.parameters.map((p) => p.zeros)).toEqual([2, 2]);
  });

  it('prunes every weight matrix of a model and sparsityReport sees it', () => {
    const model = new LSTMModel({ inputSize: 3, hiddenSize: 4, outputSize: 2 });
    const targets = weightMatrices(model);
    expect(targets.map(([m, name]) => `${m.constructor.name}.${name}`)).toEqual([
      'LSTM.weight_ih_l0',
      'LSTM.weight_hh_l0',
      'Linear.weight',
    ]);
    globalUnstructured(targets, { amount: 0.75 });
    const report = sparsityReport(model);
    const byName = Object.fromEntries(report.parameters.map((p) => [p.name, p]));
    const weights = ['lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'fc.weight'].map((key) => byName[key]!);
    const size = weights.reduce((n, p) => n + p.size, 0);
    expect(weights.reduce((n, p) => n + p.zeros, 0)).toBe(Math.round(0.75 * size));
    expect(byName['lstm.bias_ih_l0']!.zeros).toBe(0);
  });

  it('refuses an empty list and a parameter named twice', () => {
    const a = linearWith([[1, 2]]);
    expect(() => globalUnstructured([], { amount: 0.5 })).toThrow(/non-empty array/);
    expect(() =>
      globalUnstructured(
        [
          [a, 'weight'],
          [a, 'weight'],
        ],
        { amount: 0.5 },
      ),
    ).toThrow(/named twice/);
  });
});
