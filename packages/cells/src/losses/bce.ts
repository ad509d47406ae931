// Binary cross-entropy on logits (torch.nn.functional.binary_cross_entropy_with_logits), stable
// for any logit. x logit, t target in [0, 1], p posWeight (per class, last axis), w weight.

import { expectTensor, checkOptions, abs, add, exp, log, maximum, minimum, mul, neg, scope, sub, type Tensor } from '@recur/tensor';
import { checkBroadcastsTo, checkReduction, checkSameShape, reduceLoss, type Reduction } from './reduction.js';

export interface BCEWithLogitsOptions {
  /** A rescaling weight broadcast over the input (e.g. per element or per class). */
  readonly weight?: Tensor;
  /** The weight p of positive examples, broadcast over the input (usually shape (C), one per class). */
  readonly posWeight?: Tensor;
  /** 'mean' (default) over every element, 'sum', or 'none' for the elementwise losses. */
  readonly reduction?: Reduction;
}

/**
 * Binary cross-entropy between logits x and targets t:
 * l = -w·[p·t·log σ(x) + (1 - t)·log(1 - σ(x))].
 * Computed as (1 - t)·max(x, 0) - p·t·min(x, 0) + (1 + (p - 1)·t)·log(1 + e^-|x|), so no
 * exponent ever overflows and logits of ±1e4 give finite losses and gradients.
 */
export function bceWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  const op = 'bceWithLogits';
  checkOptions(op, options, ['weight', 'posWeight', 'reduction']);
  expectTensor(op, 'input', input);
  expectTensor(op, 'target', target);
  const reduction = checkReduction(op, options.reduction);
  checkSameShape(op, input, target);
  if (options.weight) checkBroadcastsTo(op, 'weight', options.weight, input.shape);
  if (options.posWeight) checkBroadcastsTo(op, 'posWeight', options.posWeight, input.shape);
  return scope(() => {
    // log(1 + e^-|x|) is softplus(-|x|): at most log 2, never an overflowing exponent.
    const softplusTail = log(add(exp(neg(abs(input))), 1));
    // Split by the sign of x so no two large terms cancel: PyTorch's (1 - t)·x + (1 + (p - 1)·t)·
    // softplus(-x), or the common max(x, 0) - x·t, lose digits to cancellation at x = 1e4, t ≈ 1.
    const positivePart = mul(sub(1, target), maximum(input, 0));
    const positiveWeight = options.posWeight ? mul(options.posWeight, target) : target;
    const negativePart = mul(positiveWeight, minimum(input, 0));
    const tailWeight = options.posWeight ? add(mul(sub(options.posWeight, 1), target), 1) : null;
    let loss = add(sub(positivePart, negativePart), tailWeight ? mul(tailWeight, softplusTail) : softplusTail);
    if (options.weight) loss = mul(loss, options.weight);
    return reduceLoss(loss, reduction);
  });
}
