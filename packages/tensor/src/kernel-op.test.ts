// kernelOp: a kernel-level op (here y = −x·w elementwise on raw backend kernels) records one node,
// hands its saved tensors to the backward after the forward's own handles are gone, says which
// inputs want a gradient, records nothing without grad, and frees its saved tensors.

import { describe, expect, it } from 'vitest';
import { tensor } from './creation.js';
import { empty, kernelView } from './extend.js';
import { kernelOp } from './kernel-op.js';
import { memory } from './memory.js';
import { noGrad, scope } from './scope.js';
import type { Tensor } from './tensor.js';

const seen: boolean[][] = [];

/** y = −(x·w) with d x = −g·w, d w = −g·x, written on kernels; `w` may be null (then y = −x, w = 1). */
function negMul(x: Tensor, w: Tensor | null): Tensor {
  return kernelOp('negMul', [x, w], {
    forward: ({ backend, recording }) => {
      const product = empty(x.shape, 'float32', backend);
      if (w) backend.binary('mul', kernelView(x), kernelView(w), kernelView(product));
      else backend.copy(kernelView(x), kernelView(product));
      const y = empty(x.shape, 'float32', backend);
      backend.unary('neg', kernelView(product), kernelView(y));
      if (!recording) return { output: y, release: [product] };
      // Copies made here belong to the caller's scope (freed as the test's inner scope ends):
      // only the graph's aliases keep them for the backward.
      return { output: y, saved: [x.clone(), (w ?? x.onesLike()).clone()] as const, release: [product] };
    },
    backward: (g, [xs, ws], { backend, needsInputGrad }) => {
      seen.push([...needsInputGrad]);
      const grads: (Tensor | null)[] = [null, null];
      for (const [k, other] of [
        [0, ws],
        [1, xs],
      ] as const) {
        if (!needsInputGrad[k]) continue;
        const d = empty(g.shape, 'float32', backend);
        backend.binary('mul', kernelView(g), kernelView(other), kernelView(d));
        backend.unary('neg', kernelView(d), kernelView(d));
        grads[k] = d;
      }
      return grads;
    },
  });
}

describe('kernelOp', () => {
  it('records one node and hands the saved tensors to the backward', () => {
    scope(() => {
      const x = tensor([1, 2, 3]).requireGrad();
      const w = tensor([4, 5, 6]).requireGrad();
      const y = scope(() => negMul(x, w));
      expect(y.gradFn?.name).toBe('negMul');
      expect(y.toArraySync()).toEqual([-4, -10, -18]);
      seen.length = 0;
      y.sum().backward();
      expect(seen).toEqual([[true, true]]);
      expect(x.grad!.toArraySync()).toEqual([-4, -5, -6]);
      expect(w.grad!.toArraySync()).toEqual([-1, -2, -3]);
    });
  });

  it('asks only for the gradients that are wanted; a null input gets none', () => {
    scope(() => {
      const x = tensor([1, 2]).requireGrad();
      const w = tensor([3, 4]);
      seen.length = 0;
      negMul(x, w).sum().backward();
      negMul(x, null).sum().backward();
      expect(seen).toEqual([
        [true, false],
        [true, false],
      ]);
      expect(x.grad!.toArraySync()).toEqual([-4, -5]);
    });
  });

  it('records nothing without grad and frees its saved tensors after backward', () => {
    const before = memory().numTensors;
    scope(() => {
      const x = tensor([1, 2]).requireGrad();
      expect(noGrad(() => negMul(x, x)).gradFn).toBeNull();
      expect(negMul(tensor([1]), null).gradFn).toBeNull();
      negMul(x, tensor([2, 2]))
        .sum()
        .backward();
    });
    expect(memory().numTensors).toBe(before);
  });

  it('disposes released handles at once, outside any scope too', () => {
    const x = tensor([1, 2]);
    const before = memory().numTensors;
    const y = negMul(x, null);
    // Only the output is new: the released product is gone.
    expect(memory().numTensors).toBe(before + 1);
    y.dispose();
    x.dispose();
  });
});
