// scaledDotProductAttention: softmax(q·kᵀ·s + M)·v against a per-element host reference, SDPA's
// bool convention (true = attend), isCausal ≡ the tril mask, NaN on a fully masked row, errors.

import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, manualSeed, memory, randn, tensor, type Tensor } from '@recur/tensor';
import { causalMask, scaledDotProductAttention } from './scaled-dot-product.js';
import { expectClose } from '@recur/test-support';

/** softmax(q·kᵀ·scale + bias)·v for q [L, E], k [S, E], v [S, F] on the host, in float64. */
function reference(q: number[][], k: number[][], v: number[][], scale: number, bias?: (i: number, j: number) => number): number[][] {
  return q.map((qi, i) => {
    const scores = k.map((kj, j) => qi.reduce((s, x, e) => s + x * kj[e]!, 0) * scale + (bias ? bias(i, j) : 0));
    const top = Math.max(...scores);
    const exps = scores.map((s) => Math.exp(s - top));
    const total = exps.reduce((a, b) => a + b, 0);
    return v[0]!.map((_, f) => exps.reduce((s, w, j) => s + (w / total) * v[j]![f]!, 0));
  });
}

const rows = (t: Tensor) => t.toArraySync() as number[][];
describe('scaledDotProductAttention', () => {
  it('computes softmax(q·kᵀ/√E)·v, with a custom scale, per batch entry', () => {
    manualSeed(1);
    const [q, k, v] = [randn([2, 3, 4]), randn([2, 5, 4]), randn([2, 5, 6])];
    const out = scaledDotProductAttention(q, k, v);
    const scaled = scaledDotProductAttention(q, k, v, { scale: 0.3 });
    expect(out.shape).toEqual([2, 3, 6]);
    for (let b = 0; b < 2; b++) {
      const [qb, kb, vb] = [q, k, v].map((t) => rows(t.select(0, b)));
      expectClose(rows(out.select(0, b)), reference(qb!, kb!, vb!, 0.5), { digits: 5 });
      expectClose(rows(scaled.select(0, b)), reference(qb!, kb!, vb!, 0.3), { digits: 5 });
    }
  });

  it('a bool mask keeps the true positions; a float mask is added; isCausal is the tril mask', () => {
    manualSeed(2);
    const [q, k, v] = [randn([4, 3]), randn([4, 3]), randn([4, 2])];
    const keep = tensor([
      [true, false, true, true],
      [true, true, false, false],
      [false, true, true, true],
      [true, true, true, true],
    ]);
    const bias = [
      [0.5, -1, 2, 0],
      [1, 0, 0, -3],
      [0, 0, 0, 0.25],
      [-1, 1, -1, 1],
    ];
    const keepArray = keep.toArraySync() as boolean[][];
    expectClose(
      rows(scaledDotProductAttention(q, k, v, { attnMask: keep })),
      reference(rows(q), rows(k), rows(v), 1 / Math.sqrt(3), (i, j) => (keepArray[i]![j] ? 0 : -Infinity)),
      { digits: 5 },
    );
    expectClose(
      rows(scaledDotProductAttention(q, k, v, { attnMask: tensor(bias) })),
      reference(rows(q), rows(k), rows(v), 1 / Math.sqrt(3), (i, j) => bias[i]![j]!),
      { digits: 5 },
    );
    const causal = rows(scaledDotProductAttention(q, k, v, { isCausal: true }));
    expectClose(
      causal,
      reference(rows(q), rows(k), rows(v), 1 / Math.sqrt(3), (i, j) => (j <= i ? 0 : -Infinity)),
      { digits: 5 },
    );
    expect(causalMask(2, 3, { allowedIsTrue: true }).toArraySync()).toEqual([
      [true, false, false],
      [true, true, false],
    ]);
    expect(causalMask(2, 3).toArraySync()).toEqual([
      [false, true, true],
      [false, false, true],
    ]);
  });

  it('a query whose keys are all masked gets NaN, as PyTorch', () => {
    const q = tensor([
      [1, 0],
      [0, 1],
    ]);
    const out = scaledDotProductAttention(q, q, q, {
      attnMask: tensor([
        [false, false],
        [true, true],
      ]),
    }).toArraySync() as number[][];
    expect(out[0]!.every(Number.isNaN)).toBe(true);
    expect(out[1]!.every(Number.isFinite)).toBe(true);
  });

  it('leaves no tensors behind', () => {
    const q = randn([2, 3, 4]);
    const before = memory().numTensors;
    scaledDotProductAttention(q, q, q, { isCausal: true }).dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('rejects bad shapes, dtypes and option combinations with typed errors', () => {
    const q = randn([3, 4]);
    expect(() => scaledDotProductAttention(q, randn([3, 5]), randn([3, 4]))).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, randn([2, 4]), randn([3, 4]))).toThrow(/same source length/);
    expect(() => scaledDotProductAttention(randn([4]), q, q)).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: randn([2, 3]) })).toThrow(/broadcast to \[\.\.\., 3, 3\]/);
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: tensor([[1, 2, 3]], { dtype: 'int32' }) })).toThrow(DTypeError);
    expect(() => scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: tensor([[true, true, true]]) })).toThrow(ValueError);
    expect(() => scaledDotProductAttention(q, q, q, { scale: Number.NaN })).toThrow(/scale must be a finite number/);
    expect(() => scaledDotProductAttention(q, q, q, { dropoutP: 1.5 })).toThrow(ValueError);
    expect(() => causalMask(-1, 2)).toThrow(ValueError);
  });
});
