// Embedding: lookups of any index shape, N(0,1) init with a zero padding row, the padding row's
// zero gradient (also with repeated indices), negative paddingIdx, fromPretrained and errors.

import { describe, expect, it } from 'vitest';
import { DTypeError, IndexError, ValueError, manualSeed, memory, noGrad, scope, tensor, type NestedArray } from '@recur/tensor';
import { Embedding } from './embedding.js';

const ids = (values: NestedArray) => tensor(values, { dtype: 'int32' });

/** An Embedding(4, 2) whose row r is [r, 10·r]; paddingIdx as given. */
function table(paddingIdx?: number): Embedding {
  const embedding = new Embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx });
  const weight = tensor([
    [0, 0],
    [1, 10],
    [2, 20],
    [3, 30],
  ]);
  embedding.loadStateDict({ weight });
  weight.dispose();
  return embedding;
}

describe('Embedding', () => {
  it('looks up rows for indices of any shape: [...] → [..., embeddingDim]', () => {
    const embedding = table();
    scope(() => {
      const two = embedding.forward(
        ids([
          [3, 1, 1],
          [0, 2, 3],
        ]),
      );
      expect(two.shape).toEqual([2, 3, 2]);
      expect(Array.from(two.dataSync())).toEqual([3, 30, 1, 10, 1, 10, 0, 0, 2, 20, 3, 30]);
      expect(embedding.forward(ids([2])).shape).toEqual([1, 2]);
      const scalar = embedding.forward(tensor(1, { dtype: 'int32' }));
      expect(scalar.shape).toEqual([2]);
      expect(Array.from(scalar.dataSync())).toEqual([1, 10]);
      expect(embedding.forward(ids([[[1]], [[2]]])).shape).toEqual([2, 1, 1, 2]);
    });
    embedding.dispose();
  });

  it('initialises N(0, 1) with the padding row at zero', () => {
    manualSeed(3);
    const embedding = new Embedding({ numEmbeddings: 200, embeddingDim: 50, paddingIdx: 5 });
    const w = Array.from(embedding.weight.dataSync());
    expect(w.slice(5 * 50, 6 * 50).every((v) => v === 0)).toBe(true);
    const rest = [...w.slice(0, 250), ...w.slice(300)];
    const mean = rest.reduce((s, v) => s + v, 0) / rest.length;
    const variance = rest.reduce((s, v) => s + (v - mean) ** 2, 0) / rest.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.03);
    expect(Object.keys(embedding.stateDict())).toEqual(['weight']);
    embedding.dispose();
  });

  it('gives the padding row a zero gradient while repeated rows accumulate', () => {
    const embedding = table(0);
    // The padding row holds non-zero values here: its output is still its row, only the grad is 0.
    const weight = tensor([
      [9, 9],
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    embedding.loadStateDict({ weight });
    const indices = ids([
      [0, 1, 1],
      [0, 3, 1],
    ]);
    scope(() => {
      const y = embedding.forward(indices);
      expect(Array.from(y.dataSync()).slice(0, 2)).toEqual([9, 9]);
      y.mul(tensor([1, 2]))
        .sum()
        .backward();
    });
    expect(embedding.weight.grad!.toArraySync()).toEqual([
      [0, 0],
      [3, 6],
      [0, 0],
      [1, 2],
    ]);
    weight.dispose();
    indices.dispose();
    embedding.dispose();
  });

  it('counts a negative paddingIdx from the end', () => {
    const embedding = table(-1);
    expect(embedding.paddingIdx).toBe(3);
    const indices = ids([3, 2, 3]);
    scope(() => embedding.forward(indices).sum().backward());
    expect(embedding.weight.grad!.toArraySync()).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    expect(new Embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: -4 }).paddingIdx).toBe(0);
    indices.dispose();
    embedding.dispose();
  });

  it('works without gradients (noGrad) and leaves memory flat', () => {
    const embedding = table(0);
    const indices = ids([
      [0, 1],
      [2, 0],
    ]);
    const step = () => scope(() => embedding.forward(indices).square().sum().backward());
    step();
    const before = memory();
    step();
    noGrad(() =>
      scope(() => {
        embedding.forward(indices);
      }),
    );
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
    indices.dispose();
    embedding.dispose();
  });

  it('copies a pretrained table, frozen by default', () => {
    const pretrained = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const frozen = Embedding.fromPretrained(pretrained, { paddingIdx: 1 });
    expect(frozen.weight.requiresGrad).toBe(false);
    expect(frozen.paddingIdx).toBe(1);
    expect(frozen.weight.toArraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const trainable = Embedding.fromPretrained(pretrained, { freeze: false });
    expect(trainable.weight.requiresGrad).toBe(true);
    expect(pretrained.isDisposed).toBe(false);
    expect(() => Embedding.fromPretrained(tensor([1, 2]))).toThrow(ValueError);
    frozen.dispose();
    trainable.dispose();
    pretrained.dispose();
  });

  it('throws IndexError for an index out of range and typed errors for bad input', () => {
    const embedding = table();
    const start = memory().numTensors;
    const high = ids([1, 4]);
    const negative = ids([-1]);
    expect(() => embedding.forward(high)).toThrow(IndexError);
    expect(() => embedding.forward(high)).toThrow(/Embedding\(numEmbeddings=4\).*index 4 out of range/);
    expect(() => embedding.forward(negative)).toThrow(IndexError);
    const floats = tensor([1, 2]);
    expect(() => embedding.forward(floats)).toThrow(DTypeError);
    for (const t of [high, negative, floats]) t.dispose();
    expect(memory().numTensors).toBe(start);
    expect(() => new Embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: 4 })).toThrow(ValueError);
    expect(() => new Embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: -5 })).toThrow(/paddingIdx/);
    expect(() => new Embedding({ numEmbeddings: 4, embeddingDim: -2 })).toThrow(ValueError);
    embedding.dispose();
  });
});
