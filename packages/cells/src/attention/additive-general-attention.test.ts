// AdditiveAttention and GeneralAttention: the fixture descriptions' equations element by element
// on the host, the key mask (true = real key), projectKeys reuse, state-dict names and errors.

import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, manualSeed, memory, randn, scope, tensor, type Tensor } from '@recur/tensor';
import { AdditiveAttention } from './additive-attention.js';
import { GeneralAttention } from './general-attention.js';

type Score = (b: number, i: number, j: number) => number;

/** context and weights on the host from a score function and the mask. */
function reference(score: Score, value: number[][][], mask: boolean[][], Tq: number): [number[][][], number[][][]] {
  const weights = value.map((_, b) =>
    Array.from({ length: Tq }, (_, i) => {
      const s = mask[b]!.map((real, j) => (real ? score(b, i, j) : -Infinity));
      const top = Math.max(...s);
      const e = s.map((x) => Math.exp(x - top));
      const total = e.reduce((a, c) => a + c, 0);
      return e.map((x) => x / total);
    }),
  );
  const context = weights.map((wb, b) =>
    wb.map((wi) => value[b]![0]!.map((_, f) => wi.reduce((acc, w, j) => acc + w * value[b]![j]![f]!, 0))),
  );
  return [context, weights];
}

const arr3 = (t: Tensor) => t.toArraySync() as number[][][];
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
function expectNested(actual: number[][][], expected: number[][][]) {
  expected.forEach((m, b) => m.forEach((r, i) => r.forEach((e, j) => expect(actual[b]![i]![j]!).toBeCloseTo(e, 5))));
}

const maskRows = [
  [true, true, true, true],
  [true, true, false, false],
];

describe('AdditiveAttention', () => {
  it('score = v·tanh(W_q q + W_k k + b_k), masked softmax, context = Σ weights·value', () => {
    manualSeed(7);
    const att = new AdditiveAttention({ querySize: 3, keySize: 2, attentionSize: 5 });
    expect(Object.entries(att.stateDict()).map(([k, t]) => [k, t.shape])).toEqual([
      ['query_proj.weight', [5, 3]],
      ['key_proj.weight', [5, 2]],
      ['key_proj.bias', [5]],
      ['v.weight', [1, 5]],
    ]);
    const [q, k, v] = [randn([2, 3, 3]), randn([2, 4, 2]), randn([2, 4, 6])];
    const mask = tensor(maskRows);
    const [context, weights] = att.forward(q, k, v, { mask });
    const sd = Object.fromEntries(Object.entries(att.stateDict()).map(([n, t]) => [n, t.toArraySync() as number[][]]));
    const [qa, ka] = [arr3(q), arr3(k)];
    const score: Score = (b, i, j) => {
      const hidden = sd['query_proj.weight']!.map((row, a) =>
        Math.tanh(dot(row, qa[b]![i]!) + dot(sd['key_proj.weight']![a]!, ka[b]![j]!) + (sd['key_proj.bias'] as unknown as number[])[a]!),
      );
      return dot(sd['v.weight']![0]!, hidden);
    };
    const [refContext, refWeights] = reference(score, arr3(v), maskRows, 3);
    expectNested(arr3(context), refContext);
    expectNested(arr3(weights), refWeights);
    expect(arr3(weights)[1]!.every((row) => row[2] === 0 && row[3] === 0)).toBe(true);
    // Keys projected once give the same result.
    const [again] = att.forward(q, k, v, { mask, projectedKeys: att.projectKeys(k) });
    expectNested(arr3(again), refContext);
  });

  it('leaves no tensors behind; rejects bad shapes and masks', () => {
    const att = new AdditiveAttention({ querySize: 3, keySize: 2, attentionSize: 4 });
    const [q, k, v] = [randn([2, 1, 3]), randn([2, 4, 2]), randn([2, 4, 5])];
    const before = memory().numTensors;
    scope(() => {
      att.forward(q, k, v);
    });
    expect(memory().numTensors).toBe(before);
    expect(() => att.forward(randn([2, 1, 4]), k, v)).toThrow(/3 features/);
    expect(() => att.forward(q, k, randn([2, 3, 5]))).toThrow(ShapeError);
    expect(() => att.forward(q.reshape([2, 3]), k, v)).toThrow(/3-D/);
    expect(() => att.forward(q, k, v, { mask: tensor([[true, false]]) })).toThrow(/mask must be \[2, 4\]/);
    expect(() => att.forward(q, k, v, { mask: randn([2, 4]) })).toThrow(DTypeError);
    expect(() => att.forward(q, k, v, { projectedKeys: randn([2, 4, 3]) })).toThrow(ValueError);
    expect(() => new AdditiveAttention({ querySize: 3, keySize: 2, attentionSize: 0 })).toThrow(ValueError);
  });
});

describe('GeneralAttention', () => {
  it('score = qᵀ·W·k, masked softmax, context = Σ weights·value', () => {
    manualSeed(8);
    const att = new GeneralAttention({ querySize: 3, keySize: 2 });
    expect(Object.keys(att.stateDict())).toEqual(['weight']);
    expect(att.weight.shape).toEqual([3, 2]);
    const [q, k, v] = [randn([2, 2, 3]), randn([2, 4, 2]), randn([2, 4, 3])];
    const [context, weights] = att.forward(q, k, v, { mask: tensor(maskRows) });
    const W = att.weight.toArraySync() as number[][];
    const [qa, ka] = [arr3(q), arr3(k)];
    const score: Score = (b, i, j) => W.reduce((s, row, r) => s + qa[b]![i]![r]! * dot(row, ka[b]![j]!), 0);
    const [refContext, refWeights] = reference(score, arr3(v), maskRows, 2);
    expectNested(arr3(context), refContext);
    expectNested(arr3(weights), refWeights);
  });

  it('rejects bad shapes with typed errors', () => {
    const att = new GeneralAttention({ querySize: 3, keySize: 2 });
    expect(() => att.forward(randn([1, 2, 3]), randn([1, 4, 3]), randn([1, 4, 3]))).toThrow(/2 features \(keySize\)/);
    expect(() => att.forward(randn([1, 2, 3]), randn([2, 4, 2]), randn([2, 4, 3]))).toThrow(ShapeError);
    expect(() => new GeneralAttention({ querySize: 1.5, keySize: 2 })).toThrow(ValueError);
  });
});
