// Gradient checks of the attention modules of @recur/cells against finite differences (CPU):
// scaledDotProductAttention with bool, float and causal masks; MultiheadAttention self- and
// cross-attention with padding/attn masks, bias_k/v and a zero key; additive and general attention.

import { describe, it } from 'vitest';
import { AdditiveAttention, GeneralAttention, MultiheadAttention, causalMask, scaledDotProductAttention } from '@recur/cells';
import { Generator, concat, noGrad, randn, tensor, type Tensor } from '@recur/tensor';
import { expectGradcheck } from './gradcheck/index.js';

const generator = new Generator(21);
const normal = (shape: number[], scale = 1) => noGrad(() => randn(shape, { generator }).mul(scale));
/** Both results of a module as one tensor, so the check weighs every output element. */
const joined = ([a, b]: readonly [Tensor, Tensor | null]) => concat([a.reshape([-1]), b!.reshape([-1])]);

describe('attention gradients ≡ finite differences', () => {
  it('scaledDotProductAttention: no mask, bool mask (true = attend), float mask, causal, custom scale', () => {
    const [q, k, v] = [normal([2, 3, 4]), normal([2, 5, 4]), normal([2, 5, 3])];
    const keep = tensor([
      [true, true, false, true, true],
      [false, true, true, true, false],
      [true, false, false, false, true],
    ]);
    const bias = normal([3, 5]);
    expectGradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!), [q, k, v], { label: 'sdpa' });
    expectGradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!, { attnMask: keep }), [q, k, v], { label: 'sdpa bool mask' });
    expectGradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!, { attnMask: bias, scale: 0.7 }), [q, k, v], {
      label: 'sdpa float mask',
    });
    const [qs, ks, vs] = [normal([2, 4, 4]), normal([2, 4, 4]), normal([2, 4, 3])];
    expectGradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!, { isCausal: true }), [qs, ks, vs], { label: 'sdpa causal' });
  });

  it('MultiheadAttention: seq-first self-attention with causal and padding masks, averaged weights', () => {
    const mha = new MultiheadAttention({ embedDim: 6, numHeads: 2 });
    const x = normal([4, 2, 6]);
    const padding = tensor([
      [false, false, false, false],
      [false, false, false, true],
    ]);
    const mask = causalMask(4, 4);
    expectGradcheck((a) => joined(mha.forward(a!, a!, a!, { keyPaddingMask: padding, attnMask: mask })), [x], { label: 'mha self' });
  });

  it('MultiheadAttention: batch-first cross-attention, kdim/vdim, 3-D float mask, per-head weights', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, kdim: 3, vdim: 5, batchFirst: true });
    const [q, k, v] = [normal([2, 3, 4]), normal([2, 5, 3]), normal([2, 5, 5])];
    const mask = normal([4, 3, 5]);
    expectGradcheck((a, b, c) => joined(mha.forward(a!, b!, c!, { attnMask: mask, averageAttnWeights: false })), [q, k, v], {
      label: 'mha cross',
    });
  });

  it('MultiheadAttention: addBiasKv and addZeroAttn, unbatched', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, addBiasKv: true, addZeroAttn: true });
    const [q, kv] = [normal([3, 4]), normal([5, 4])];
    expectGradcheck((a, b) => joined(mha.forward(a!, b!, b!, { keyPaddingMask: tensor([false, true, false, false, false]) })), [q, kv], {
      label: 'mha bias kv',
    });
  });

  it('AdditiveAttention and GeneralAttention with a key mask', () => {
    const mask = tensor([
      [true, true, true, true],
      [true, true, false, false],
    ]);
    const [q, k, v] = [normal([2, 3, 5]), normal([2, 4, 3]), normal([2, 4, 2])];
    const additive = new AdditiveAttention({ querySize: 5, keySize: 3, attentionSize: 6 });
    expectGradcheck((a, b, c) => joined(additive.forward(a!, b!, c!, { mask })), [q, k, v], { label: 'additive' });
    const general = new GeneralAttention({ querySize: 5, keySize: 3 });
    expectGradcheck((a, b, c) => joined(general.forward(a!, b!, c!, { mask })), [q, k, v], { label: 'general' });
  });
});
