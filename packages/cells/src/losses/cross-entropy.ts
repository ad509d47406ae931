// Cross-entropy of logits against class indices or class probabilities, with class weights,
// ignoreIndex and label smoothing (torch.nn.functional.cross_entropy). Letters: N batch,
// C classes, d1..dk extra dims of a K-dimensional input (N, C, d1..dk), e the label smoothing.

import {
  expectTensor,
  checkOptions,
  DTypeError,
  ValueError,
  add,
  div,
  fmtShape,
  logSoftmax,
  mul,
  neg,
  reshape,
  scope,
  sum,
  where,
  type Tensor,
} from '@recur/tensor';
import {
  checkClassWeight,
  checkIgnoreIndex,
  checkIndexTarget,
  checkInput,
  classAxis,
  classIndexTerms,
  reduceClassIndexLoss,
  type NLLLossOptions,
} from './nll-loss.js';
import { checkReduction, sameShape, type Reduction } from './reduction.js';

export interface CrossEntropyOptions extends NLLLossOptions {
  /**
   * e in [0, 1]: the target becomes (1 - e)·target + e/C spread over all classes (default 0).
   * For class indices PyTorch adds e/C·Σ_c -w[c]·log p[c] per position, with the same mean denominator.
   */
  readonly labelSmoothing?: number;
}

/** The weight shaped to broadcast along the class axis of an input of `rank`: (1, C, 1, …). */
function classWeightView(weight: Tensor, rank: number, axis: number): Tensor {
  return reshape(
    weight,
    Array.from({ length: rank }, (_, i) => (i === axis ? weight.shape[0]! : 1)),
  );
}

/**
 * Cross-entropy between logits and targets (torch.nn.functional.cross_entropy): log-softmax over
 * the class axis, then the negative log-likelihood of the target.
 *
 * `input`: logits (N, C), (N, C, d1..dk) or (C). `target`: int32 class indices shaped like the
 * input without its class axis ((N), (N, d1..dk) or a scalar), or float32 class probabilities of
 * the input's own shape. 'mean' divides by the summed weights of the non-ignored targets (for
 * probabilities: by the number of positions, N·d1·…·dk). Returns a scalar, or the per-position
 * losses for reduction 'none'.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  checkOptions(op, options, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
  expectTensor(op, 'input', input);
  expectTensor(op, 'target', target);
  const reduction = checkReduction(op, options.reduction);
  const ignoreIndex = checkIgnoreIndex(op, options.ignoreIndex);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) {
    throw new ValueError(`${op}: labelSmoothing must be in [0, 1]; got ${smoothing}`);
  }
  checkInput(op, input);
  const axis = classAxis(input);
  const classes = input.shape[axis]!;
  checkClassWeight(op, options.weight, classes);

  if (sameShape(target.shape, input.shape)) {
    if (target.dtype !== 'float32') {
      throw new DTypeError(
        `${op}: a target of the input's shape ${fmtShape(input.shape)} holds class probabilities and must be float32; got ${target.dtype}`,
      );
    }
    // PyTorch refuses ignore_index with probabilities; only the default (negative) passes.
    if (options.ignoreIndex !== undefined && options.ignoreIndex >= 0) {
      throw new ValueError(`${op}: ignoreIndex is not supported for class-probability targets; got ${options.ignoreIndex}`);
    }
    return scope(() => probabilityLoss(input, target, options.weight, smoothing, reduction));
  }

  checkIndexTarget(op, input, target, ignoreIndex);
  return scope(() => {
    const logProbs = logSoftmax(input, axis);
    const terms = classIndexTerms(logProbs, target, options.weight, ignoreIndex);
    if (smoothing === 0) return reduceClassIndexLoss(terms.loss, terms.weight, reduction);
    const weighted = options.weight ? mul(logProbs, classWeightView(options.weight, input.rank, axis)) : logProbs;
    const uniform = where(terms.valid, neg(sum(weighted, { axis })), 0);
    // Both parts share the denominator Σ w[y], so they can be combined before reducing.
    const combined = add(mul(terms.loss, 1 - smoothing), mul(uniform, smoothing / classes));
    return reduceClassIndexLoss(combined, terms.weight, reduction);
  });
}

/** -Σ_c w[c]·t[c]·log p[c] per position, t smoothed toward the uniform distribution. */
function probabilityLoss(input: Tensor, target: Tensor, weight: Tensor | undefined, smoothing: number, reduction: Reduction): Tensor {
  const axis = classAxis(input);
  const classes = input.shape[axis]!;
  const logProbs = logSoftmax(input, axis);
  const smoothed = smoothing > 0 ? add(mul(target, 1 - smoothing), smoothing / classes) : target;
  let product = mul(logProbs, smoothed);
  if (weight) product = mul(product, classWeightView(weight, input.rank, axis));
  if (reduction === 'none') return neg(sum(product, { axis }));
  const total = neg(sum(product));
  return reduction === 'sum' ? total : div(total, input.size / classes);
}
