// LayerNorm: values against a hand computation (biased variance, ε inside the root), several
// trailing dims, the affine options, gradients against central differences, and shape errors.

import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, memory, randn, scope, tensor } from '@recur/tensor';
import { LayerNorm } from './layer-norm.js';

const close = (actual: ArrayLike<number>, expected: readonly number[], tol = 1e-5) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e))));
};

/** (v - mean)/√(biased var + eps) of one group, in float64. */
function normalise(values: readonly number[], eps: number): number[] {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return values.map((v) => (v - mean) / Math.sqrt(variance + eps));
}

describe('LayerNorm', () => {
  it('normalises over the last dim with the biased variance, then applies γ and β', () => {
    const norm = new LayerNorm({ normalizedShape: 3, eps: 1e-3 });
    expect(norm.weight!.toArraySync()).toEqual([1, 1, 1]);
    expect(norm.bias!.toArraySync()).toEqual([0, 0, 0]);
    const rows = [
      [1, 2, 4],
      [-3, 0, 3],
    ];
    scope(() => {
      close(
        norm.forward(tensor(rows)).dataSync(),
        rows.flatMap((r) => normalise(r, 1e-3)),
      );
      const gamma = tensor([2, -1, 0.5]);
      const beta = tensor([0, 1, -2]);
      norm.loadStateDict({ weight: gamma, bias: beta });
      const expected = rows.flatMap((r) => normalise(r, 1e-3).map((v, i) => v * [2, -1, 0.5][i]! + [0, 1, -2][i]!));
      close(norm.forward(tensor(rows)).dataSync(), expected);
    });
    norm.dispose();
  });

  it('normalises over several trailing dims together', () => {
    const norm = new LayerNorm({ normalizedShape: [2, 2] });
    expect(norm.weight!.shape).toEqual([2, 2]);
    const groups = [
      [1, 2, 3, 5],
      [0, 0, 1, -1],
      [10, 20, 30, 40],
    ];
    scope(() => {
      const y = norm.forward(
        tensor([
          [
            [
              [1, 2],
              [3, 5],
            ],
            [
              [0, 0],
              [1, -1],
            ],
            [
              [10, 20],
              [30, 40],
            ],
          ],
        ]),
      );
      expect(y.shape).toEqual([1, 3, 2, 2]);
      close(
        y.dataSync(),
        groups.flatMap((g) => normalise(g, 1e-5)),
      );
    });
    norm.dispose();
  });

  it('has no parameters without elementwiseAffine, and only γ without bias', () => {
    const plain = new LayerNorm({ normalizedShape: 4, elementwiseAffine: false });
    expect(plain.weight).toBeNull();
    expect(plain.namedParameters()).toEqual([]);
    scope(() => close(plain.forward(tensor([1, 2, 3, 4])).dataSync(), normalise([1, 2, 3, 4], 1e-5)));
    const noBias = new LayerNorm({ normalizedShape: 4, bias: false });
    expect(Object.keys(noBias.stateDict())).toEqual(['weight']);
    noBias.dispose();
  });

  it('matches central differences for d sum(y·R) / d x, γ, β', () => {
    const norm = new LayerNorm({ normalizedShape: 4 });
    const gamma = tensor([1.5, -0.5, 2, 0.25]);
    const beta = tensor([0.1, 0.2, -0.3, 0.4]);
    norm.loadStateDict({ weight: gamma, bias: beta });
    const xs = [0.3, -1.2, 2.5, 0.7, 1, 1.5, -2, 0.25];
    const r = [0.5, -1, 2, 1, -0.3, 0.8, 0.1, -2];
    const loss = (values: number[]) =>
      scope(() =>
        norm
          .forward(tensor(values).reshape([2, 4]))
          .mul(tensor(r).reshape([2, 4]))
          .sum()
          .itemSync(),
      );
    const x = tensor(xs, { requiresGrad: true });
    scope(() =>
      norm
        .forward(x.reshape([2, 4]))
        .mul(tensor(r).reshape([2, 4]))
        .sum()
        .backward(),
    );
    const h = 1e-2;
    const numeric = xs.map((_, i) => {
      const up = [...xs];
      const down = [...xs];
      up[i]! += h;
      down[i]! -= h;
      return (loss(up) - loss(down)) / (2 * h);
    });
    close(x.grad!.dataSync(), numeric, 2e-3);
    // dβ = Σ_rows R; dγ = Σ_rows R·x̂.
    close(norm.bias!.grad!.dataSync(), [0.2, -0.2, 2.1, -1]);
    const xhat = [...normalise(xs.slice(0, 4), 1e-5), ...normalise(xs.slice(4), 1e-5)];
    close(
      norm.weight!.grad!.dataSync(),
      [0, 1, 2, 3].map((i) => r[i]! * xhat[i]! + r[i + 4]! * xhat[i + 4]!),
    );
    for (const t of [gamma, beta, x]) t.dispose();
    norm.dispose();
  });

  it('names the expected trailing dims in its shape error', () => {
    const norm = new LayerNorm({ normalizedShape: [3, 4] });
    const wrong = randn([2, 4, 3]);
    const short = randn([4]);
    expect(() => norm.forward(wrong)).toThrow(ShapeError);
    expect(() => norm.forward(wrong)).toThrow('LayerNorm: expected input of shape [..., 3,4] (normalizedShape); got [2,4,3]');
    expect(() => norm.forward(short)).toThrow(ShapeError);
    expect(() => new LayerNorm({ normalizedShape: [] })).toThrow(ValueError);
    expect(() => new LayerNorm({ normalizedShape: 3, eps: -1 })).toThrow(ValueError);
    wrong.dispose();
    short.dispose();
    norm.dispose();
  });

  it('leaves no tensors behind after a scoped forward and backward', () => {
    const norm = new LayerNorm({ normalizedShape: 8 });
    const x = randn([3, 8], { requiresGrad: true });
    const step = () => scope(() => norm.forward(x).square().sum().backward());
    step();
    const before = memory();
    step();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
    x.dispose();
    norm.dispose();
  });
});
