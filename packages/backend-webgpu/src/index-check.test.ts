// Index checks on the GPU: an out-of-range or negative gather/scatterAdd index (an Embedding
// row, a cross-entropy target) raises the same IndexError as on the CPU, naming the index and
// the valid range, at the first read after the kernel ran; the flag clears once reported.

import { createCpuBackend } from '@recur/backend-cpu';
import { Embedding, crossEntropy } from '@recur/cells';
import { IndexError, registerBackend, scatterAdd, tensor, useBackend, zeros, type Tensor } from '@recur/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

const indices = (values: number[]): Tensor => tensor(values, { dtype: 'int32' });

describeGpu('index checks on webgpu', () => {
  beforeAll(async () => {
    registerBackend(() => createTestBackend(), { name: 'webgpu-index-check' });
    await useBackend('webgpu-index-check');
  });

  it('an Embedding index past the table raises IndexError at the next read, not a zero row', async () => {
    const embedding = new Embedding({ numEmbeddings: 5, embeddingDim: 3 });
    const rows = embedding.forward(indices([1, 7, 2]));
    await expect(rows.data()).rejects.toThrow(IndexError);
    const again = embedding.forward(indices([4, 0]));
    // The flag was reported once; valid lookups read normally afterwards.
    expect(Array.from(await again.data())).toEqual([
      ...(await embedding.weight.data()).slice(12, 15),
      ...(await embedding.weight.data()).slice(0, 3),
    ]);
  });

  it('names the bad index and the valid range; a negative index is caught too', async () => {
    const embedding = new Embedding({ numEmbeddings: 5, embeddingDim: 3 });
    const rows = embedding.forward(indices([0, -1]));
    await expect(rows.data()).rejects.toThrow(/index -1 out of range for axis 0 of size 5 \(expected 0\.\.4\)/);
  });

  it('raises at the first read of any tensor on the backend, as CUDA reports device asserts', async () => {
    const embedding = new Embedding({ numEmbeddings: 5, embeddingDim: 3 });
    embedding.forward(indices([9]));
    await expect(zeros([2]).add(1).data()).rejects.toThrow(/index 9 out of range/);
    expect(Array.from(await zeros([2]).add(1).data())).toEqual([1, 1]);
  });

  it('an out-of-range cross-entropy target raises instead of giving a finite loss', async () => {
    const logits = tensor([
      [0.1, 0.2, 0.3],
      [0.3, 0.2, 0.1],
    ]);
    const loss = crossEntropy(logits, indices([0, 3]));
    await expect(loss.data()).rejects.toThrow(IndexError);
    const ignored = crossEntropy(logits, indices([0, -100]));
    expect(Number.isFinite((await ignored.data())[0]!)).toBe(true);
  });

  it('scatterAdd skips and reports an out-of-range index', async () => {
    const out = scatterAdd(zeros([3]), 0, indices([0, 5]), tensor([1, 2]));
    await expect(out.data()).rejects.toThrow(/scatterAdd: index 5 out of range for axis 0 of size 3/);
    expect(Array.from(await scatterAdd(zeros([3]), 0, indices([2, 2]), tensor([1, 2])).data())).toEqual([0, 0, 3]);
  });
});

describe('index checks on the cpu raise the same error type at the call', () => {
  beforeAll(async () => {
    registerBackend(createCpuBackend, { name: 'cpu-index-check' });
    await useBackend('cpu-index-check');
  });

  it('Embedding, crossEntropy and scatterAdd', () => {
    const embedding = new Embedding({ numEmbeddings: 5, embeddingDim: 3 });
    expect(() => embedding.forward(indices([1, 7]))).toThrow(IndexError);
    expect(() => embedding.forward(indices([-1]))).toThrow(/index -1 out of range for axis 0 of size 5 \(expected 0\.\.4\)/);
    expect(() => crossEntropy(tensor([[0.1, 0.2, 0.3]]), indices([3]))).toThrow(IndexError);
    expect(() => scatterAdd(zeros([3]), 0, indices([5]), tensor([1]))).toThrow(IndexError);
  });
});
