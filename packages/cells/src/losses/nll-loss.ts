// Negative log-likelihood over class indices (torch.nn.functional.nll_loss) and the target
// bookkeeping cross-entropy shares with it. Letters: N batch, C classes, d1..dk extra dims of a
// K-dimensional input (N, C, d1..dk) whose target is (N, d1..dk); a 1-D input (C) takes a scalar target.

import {
  backendOf,
  expectTensor,
  checkOptions,
  DTypeError,
  IndexError,
  ShapeError,
  ValueError,
  cast,
  div,
  fmtShape,
  gather,
  indexSelect,
  mul,
  ne,
  neg,
  reshape,
  scope,
  sum,
  unsqueeze,
  where,
  type Tensor,
} from '@recur/tensor';
import { checkFloat, checkReduction, sameShape, type Reduction } from './reduction.js';

export interface NLLLossOptions {
  /** A rescaling weight per class, shape (C); default 1 for every class. */
  readonly weight?: Tensor;
  /** Targets equal to this value add nothing and are left out of the mean (default -100). */
  readonly ignoreIndex?: number;
  /** 'mean' (default) divides by the summed weights of the non-ignored targets. */
  readonly reduction?: Reduction;
}

/** The axis holding the classes: 1, or 0 for an unbatched (C) input. */
export function classAxis(input: Tensor): number {
  return input.rank === 1 ? 0 : 1;
}

/** The shape class-index targets need: the input's shape without its class axis. */
export function indexTargetShape(input: Tensor): number[] {
  const axis = classAxis(input);
  return input.shape.filter((_, i) => i !== axis);
}

export function checkInput(op: string, input: Tensor): void {
  checkFloat(op, 'input', input);
  if (input.rank === 0) {
    throw new ShapeError(`${op}: input must be (C), (N, C) or (N, C, d1, ..., dk); got a scalar of shape []`);
  }
}

export function checkIgnoreIndex(op: string, ignoreIndex: number | undefined): number {
  const value = ignoreIndex ?? -100;
  if (!Number.isInteger(value)) throw new ValueError(`${op}: ignoreIndex must be an integer; got ${value}`);
  return value;
}

/** A class weight is one float32 number per class. */
export function checkClassWeight(op: string, weight: Tensor | undefined, classes: number): void {
  if (!weight) return;
  checkFloat(op, 'weight', weight);
  if (weight.rank !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(`${op}: weight must have shape [${classes}] (one per class); got ${fmtShape(weight.shape)}`);
  }
}

/** Class indices: int32, shaped like the input without its class axis, each in [0, C) or ignored. */
export function checkIndexTarget(op: string, input: Tensor, target: Tensor, ignoreIndex: number): void {
  const expected = indexTargetShape(input);
  if (!sameShape(target.shape, expected)) {
    const probability = op === 'crossEntropy' ? ` or ${fmtShape(input.shape)} (class probabilities)` : '';
    throw new ShapeError(
      `${op}: target shape ${fmtShape(target.shape)} does not fit input ${fmtShape(input.shape)}: expected ${fmtShape(expected)} (class indices)${probability}`,
    );
  }
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${op}: class-index target must be int32; got ${target.dtype} of shape ${fmtShape(target.shape)}`);
  }
  checkTargetRange(op, target, input.shape[classAxis(input)]!, ignoreIndex);
}

/**
 * Only host-memory backends can look at the targets without an async read. Elsewhere the
 * gather kernel checks them on the device and the backend raises the IndexError at the next
 * read (BackendV1.gather), naming the bad class index and the number of classes.
 */
function checkTargetRange(op: string, target: Tensor, classes: number, ignoreIndex: number): void {
  if (target.size === 0 || !backendOf(op, target).readSync) return;
  const values = target.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== ignoreIndex && (v < 0 || v >= classes)) {
      throw new IndexError(
        `${op}: target ${v} at flat position ${i} is out of range for ${classes} classes (expected 0..${classes - 1}, or ignoreIndex ${ignoreIndex})`,
      );
    }
  }
}

export interface ClassIndexTerms {
  /** -w[y]·input[y] at each target position, 0 where the target is ignored. */
  readonly loss: Tensor;
  /** w[y] (1 without a class weight) at each target position, 0 where ignored. */
  readonly weight: Tensor;
  /** True where the target is not ignoreIndex. */
  readonly valid: Tensor;
}

/** The per-position terms of an NLL loss over log-probabilities `input`; inputs already checked. */
export function classIndexTerms(input: Tensor, target: Tensor, weight: Tensor | undefined, ignoreIndex: number): ClassIndexTerms {
  const axis = classAxis(input);
  const valid = ne(target, ignoreIndex);
  // Ignored positions may hold any value (-100); class 0 stands in so the gather stays in range.
  const safeTarget = where(valid, target, 0);
  const picked = reshape(gather(input, axis, unsqueeze(safeTarget, axis)), target.shape);
  const targetWeight = weight
    ? where(valid, reshape(indexSelect(weight, 0, reshape(safeTarget, [-1])), target.shape), 0)
    : cast(valid, 'float32');
  const weighted = weight ? mul(picked, targetWeight) : picked;
  // where, not a multiply by the mask: a stand-in entry of -∞ times 0 would be NaN.
  const loss = where(valid, neg(weighted), 0);
  return { loss, weight: targetWeight, valid };
}

/** Reduce per-position class-index losses: 'mean' divides by the summed target weights. */
export function reduceClassIndexLoss(loss: Tensor, targetWeight: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return sum(loss);
  return div(sum(loss), sum(targetWeight));
}

/**
 * Negative log-likelihood of class indices under log-probabilities (torch.nn.functional.nll_loss):
 * l = -weight[y]·input[y] per position, 0 where the target is `ignoreIndex`.
 * `input` (N, C), (N, C, d1..dk) or (C); `target` int32 (N), (N, d1..dk) or a scalar.
 * Returns a scalar, or the per-position losses (shape of target) for reduction 'none'.
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  const op = 'nllLoss';
  checkOptions(op, options, ['weight', 'ignoreIndex', 'reduction']);
  expectTensor(op, 'input', input);
  expectTensor(op, 'target', target);
  const reduction = checkReduction(op, options.reduction);
  const ignoreIndex = checkIgnoreIndex(op, options.ignoreIndex);
  checkInput(op, input);
  checkClassWeight(op, options.weight, input.shape[classAxis(input)]!);
  checkIndexTarget(op, input, target, ignoreIndex);
  return scope(() => {
    const terms = classIndexTerms(input, target, options.weight, ignoreIndex);
    return reduceClassIndexLoss(terms.loss, terms.weight, reduction);
  });
}
