// MultiheadAttention: PyTorch's state-dict keys and init, a per-head reference built from plain
// tensor ops (seq-first and batch-first, unbatched, 2-D and 3-D masks, bool and float masks,
// addBiasKv, addZeroAttn), dropout only in training, and typed errors for bad inputs.

import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  ValueError,
  concat,
  manualSeed,
  memory,
  noGrad,
  randn,
  scope,
  tensor,
  where,
  zeros,
  type Tensor,
} from '@recur/tensor';
import { MultiheadAttention } from './multihead-attention.js';
import { causalMask } from './scaled-dot-product.js';
import { expectClose } from '@recur/test-support';

/**
 * The module's equations head by head for batch-first query [N, L, E], key [N, S, kdim], value
 * [N, S, vdim] and an additive mask M [N, H, L, S] → [output [N, L, E], weights [N, H, L, S]].
 */
function reference(mha: MultiheadAttention, query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null): [Tensor, Tensor] {
  const E = mha.embedDim;
  const H = mha.numHeads;
  const d = E / H;
  const sd = mha.stateDict();
  const weight = (i: number) =>
    sd.in_proj_weight ? sd.in_proj_weight.narrow(0, i * E, E) : sd[['q_proj_weight', 'k_proj_weight', 'v_proj_weight'][i]!]!;
  const bias = (i: number) => (sd.in_proj_bias ? sd.in_proj_bias.narrow(0, i * E, E) : zeros([E]));
  const [N, L] = query.shape as [number, number];
  const outputs: Tensor[] = [];
  const weights: Tensor[] = [];
  for (let n = 0; n < N; n++) {
    const q = query.select(0, n).matmul(weight(0).T).add(bias(0));
    let k = key.select(0, n).matmul(weight(1).T).add(bias(1));
    let v = value.select(0, n).matmul(weight(2).T).add(bias(2));
    if (sd.bias_k) {
      k = concat([k, sd.bias_k.reshape([1, E])], 0);
      v = concat([v, sd.bias_v!.reshape([1, E])], 0);
    }
    if (mha.addZeroAttn) {
      k = concat([k, zeros([1, E])], 0);
      v = concat([v, zeros([1, E])], 0);
    }
    const heads: Tensor[] = [];
    const headWeights: Tensor[] = [];
    for (let h = 0; h < H; h++) {
      let scores = q
        .narrow(1, h * d, d)
        .matmul(k.narrow(1, h * d, d).T)
        .div(Math.sqrt(d));
      if (mask) scores = scores.add(mask.select(0, n).select(0, h));
      const w = scores.exp().div(scores.exp().sum({ axis: 1, keepDim: true }));
      headWeights.push(w);
      heads.push(w.matmul(v.narrow(1, h * d, d)));
    }
    outputs.push(
      concat(heads, 1)
        .matmul(sd['out_proj.weight']!.T)
        .add(sd['out_proj.bias'] ?? 0)
        .reshape([1, L, E]),
    );
    weights.push(
      concat(
        headWeights.map((w) => w.unsqueeze(0)),
        0,
      ).unsqueeze(0),
    );
  }
  return [concat(outputs, 0), concat(weights, 0)];
}

/** Random non-zero biases so the reference checks where each bias goes. */
function randomize(mha: MultiheadAttention) {
  noGrad(() => {
    for (const p of mha.parameters()) p.assign(randn(p.shape).mul(0.5));
  });
}

describe('MultiheadAttention', () => {
  it("has PyTorch's state-dict keys, shapes and init", () => {
    manualSeed(0);
    const packed = new MultiheadAttention({ embedDim: 8, numHeads: 2 });
    expect(Object.entries(packed.stateDict()).map(([k, t]) => [k, t.shape])).toEqual([
      ['in_proj_weight', [24, 8]],
      ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]],
      ['out_proj.bias', [8]],
    ]);
    expect([...packed.inProjBias!.dataSync()].every((x) => x === 0)).toBe(true);
    expect([...packed.outProj.bias!.dataSync()].every((x) => x === 0)).toBe(true);
    // xavier_uniform_ on (3E, E): bound √(6 / (E + 3E)).
    const bound = Math.sqrt(6 / 32);
    const w = [...packed.inProjWeight!.dataSync()];
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    const separate = new MultiheadAttention({ embedDim: 8, numHeads: 4, kdim: 5, vdim: 7, bias: false, addBiasKv: true });
    expect(Object.entries(separate.stateDict()).map(([k, t]) => [k, t.shape])).toEqual([
      ['q_proj_weight', [8, 8]],
      ['k_proj_weight', [8, 5]],
      ['v_proj_weight', [8, 7]],
      ['bias_k', [1, 1, 8]],
      ['bias_v', [1, 1, 8]],
      ['out_proj.weight', [8, 8]],
    ]);
    expect(packed.headDim).toBe(4);
    expect(packed.batchFirst).toBe(false);
    expect(packed.dropout).toBe(0);
  });

  it('matches the per-head reference: seq-first self-attention with causal and padding masks, averaged weights', () => {
    manualSeed(1);
    const mha = new MultiheadAttention({ embedDim: 6, numHeads: 3 });
    randomize(mha);
    const x = randn([4, 2, 6]); // [L, N, E]
    const padding = tensor([
      [false, false, false, false],
      [false, false, true, true],
    ]);
    const causal = causalMask(4, 4);
    const [out, w] = mha.forward(x, x, x, { keyPaddingMask: padding, attnMask: causal });
    const additive = where(causal.reshape([1, 1, 4, 4]).logicalOr(padding.reshape([2, 1, 1, 4])), -Infinity, 0).expand([2, 3, 4, 4]);
    const xb = x.transpose(0, 1);
    const [refOut, refW] = reference(mha, xb, xb, xb, additive);
    expectClose(out, refOut.transpose(0, 1), { digits: 5 });
    expectClose(w!, refW.mean({ axis: 1 }), { digits: 5 });
  });

  it('batch-first cross-attention with kdim/vdim, per-head weights, a 3-D float mask and a float padding mask', () => {
    manualSeed(2);
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, kdim: 3, vdim: 5, batchFirst: true });
    randomize(mha);
    const [q, k, v] = [randn([2, 3, 4]), randn([2, 6, 3]), randn([2, 6, 5])];
    const attnMask = randn([4, 3, 6]); // [N·H, L, S]
    const padding = tensor([
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, -Infinity, -Infinity],
    ]);
    const [out, w] = mha.forward(q, k, v, { attnMask, keyPaddingMask: padding, averageAttnWeights: false });
    const [refOut, refW] = reference(mha, q, k, v, attnMask.reshape([2, 2, 3, 6]).add(padding.reshape([2, 1, 1, 6])));
    expectClose(out, refOut, { digits: 5 });
    expectClose(w!, refW, { digits: 5 });
    const [, none] = mha.forward(q, k, v, { needWeights: false });
    expect(none).toBeNull();
  });

  it('addBiasKv and addZeroAttn append one key each (masks padded with an allowed column)', () => {
    manualSeed(3);
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, batchFirst: true, addBiasKv: true, addZeroAttn: true });
    randomize(mha);
    const [q, kv] = [randn([2, 3, 4]), randn([2, 5, 4])];
    const padding = tensor([
      [false, false, false, false, true],
      [false, true, false, false, false],
    ]);
    const [out, w] = mha.forward(q, kv, kv, { keyPaddingMask: padding, averageAttnWeights: false });
    expect(w!.shape).toEqual([2, 2, 3, 7]);
    const additive = where(padding, -Infinity, 0).pad([0, 2]).reshape([2, 1, 1, 7]).expand([2, 2, 3, 7]);
    const [refOut, refW] = reference(mha, q, kv, kv, additive);
    expectClose(out, refOut, { digits: 5 });
    expectClose(w!, refW, { digits: 5 });
  });

  it('unbatched inputs equal a batch of one', () => {
    manualSeed(4);
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2 });
    randomize(mha);
    const [q, k] = [randn([3, 4]), randn([5, 4])];
    const padding = tensor([false, false, true, false, false]);
    const [out, w] = mha.forward(q, k, k, { keyPaddingMask: padding, attnMask: randn([2, 3, 5]), averageAttnWeights: false });
    const mask = randn([2, 3, 5]);
    const [o1, w1] = mha.forward(q, k, k, { keyPaddingMask: padding, attnMask: mask, averageAttnWeights: false });
    const [o2, w2] = mha.forward(q.unsqueeze(1), k.unsqueeze(1), k.unsqueeze(1), {
      keyPaddingMask: padding.unsqueeze(0),
      attnMask: mask,
      averageAttnWeights: false,
    });
    expect(out.shape).toEqual([3, 4]);
    expect(w!.shape).toEqual([2, 3, 5]);
    expectClose(o1, o2.squeeze(1), { digits: 5 });
    expectClose(w1!, w2!.squeeze(0), { digits: 5 });
  });

  it('dropout acts on the weights in training only; a fully masked query row is NaN', () => {
    manualSeed(5);
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 1, dropout: 0.5, batchFirst: true });
    const x = randn([1, 3, 4]);
    const [, trained] = mha.forward(x, x, x);
    expect([...trained!.dataSync()].some((p) => p === 0)).toBe(true);
    mha.eval();
    const [, evaluated] = mha.forward(x, x, x);
    expect([...evaluated!.dataSync()].every((p) => p > 0)).toBe(true);
    const [out] = mha.forward(x, x, x, { keyPaddingMask: tensor([[true, true, true]]) });
    expect([...out.dataSync()].every(Number.isNaN)).toBe(true);
  });

  it('leaves no tensors behind and keeps gradients flowing to every parameter', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, batchFirst: true });
    const x = randn([2, 3, 4]).requireGrad();
    const before = memory().numTensors;
    scope(() => {
      const [out, w] = mha.forward(x, x, x, { attnMask: causalMask(3, 3), isCausal: true });
      out.sum().add(w!.mul(w!).sum()).backward();
    });
    for (const p of mha.parameters()) expect(p.grad, 'every parameter gets a gradient').toBeTruthy();
    const grads = mha.parameters().length + 1;
    expect(memory().numTensors).toBe(before + grads);
  });

  it('rejects bad options and inputs with typed errors', () => {
    expect(() => new MultiheadAttention({ embedDim: 6, numHeads: 4 })).toThrow(/divisible/);
    expect(() => new MultiheadAttention({ embedDim: 0, numHeads: 1 })).toThrow(ValueError);
    expect(() => new MultiheadAttention({ embedDim: 4, numHeads: 2, dropout: 2 })).toThrow(ValueError);
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2 });
    const x = randn([3, 2, 4]);
    expect(() => mha.forward(randn([3, 2, 5]), x, x)).toThrow(/4 features/);
    expect(() => mha.forward(randn([2, 4]), x, x)).toThrow(ShapeError);
    expect(() => mha.forward(randn([3, 2, 4, 1]), x, x)).toThrow(ShapeError);
    expect(() => mha.forward(x, randn([3, 3, 4]), randn([3, 3, 4]))).toThrow(/same batch size/);
    expect(() => mha.forward(x, x, randn([4, 2, 4]))).toThrow(/same source length/);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: tensor([[true, false, false]]) })).toThrow(/keyPaddingMask must be \[2,3\]/);
    expect(() => mha.forward(x, x, x, { attnMask: randn([3, 3, 3]) })).toThrow(/attnMask must be \[3,3\] or \[4,3,3\]/);
    expect(() =>
      mha.forward(x, x, x, {
        attnMask: tensor(
          [
            [1, 0, 0],
            [1, 1, 0],
            [1, 1, 1],
          ],
          { dtype: 'int32' },
        ),
      }),
    ).toThrow(DTypeError);
    expect(() => mha.forward(x, x, x, { isCausal: true })).toThrow(/needs attnMask/);
  });
});
