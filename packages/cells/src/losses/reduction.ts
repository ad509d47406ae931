// What every loss shares: the `reduction` option ('mean' | 'sum' | 'none', PyTorch's names) and
// the argument checks that turn bad input into typed errors naming expected versus actual.

import { expectTensor, DTypeError, ShapeError, ValueError, fmtShape, mean, sum, type Tensor } from '@recur/tensor';

/** How per-element losses become the result: their mean, their sum, or left as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none'];

/** The reduction to use (default 'mean'), or a ValueError for a name PyTorch does not know. */
export function checkReduction(op: string, reduction: Reduction | undefined): Reduction {
  const value = reduction ?? 'mean';
  if (!REDUCTIONS.includes(value)) {
    throw new ValueError(`${op}: unknown reduction '${String(value)}' (expected 'mean', 'sum' or 'none')`);
  }
  return value;
}

/** Apply a plain reduction: mean and sum over every element, 'none' keeps the shape. */
export function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}

export function checkFloat(op: string, name: string, t: Tensor): void {
  expectTensor(op, name, t);
  if (t.dtype !== 'float32') throw new DTypeError(`${op}: ${name} must be float32; got ${t.dtype}`);
}

export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Elementwise losses pair input and target one to one (no silent broadcasting). */
export function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  checkFloat(op, 'input', input);
  checkFloat(op, 'target', target);
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(`${op}: target shape ${fmtShape(target.shape)} must equal input shape ${fmtShape(input.shape)}`);
  }
}

/** A per-element factor (weight, posWeight) must broadcast to the input without enlarging it. */
export function checkBroadcastsTo(op: string, name: string, t: Tensor, shape: readonly number[]): void {
  checkFloat(op, name, t);
  const lead = shape.length - t.rank;
  const fits = lead >= 0 && t.shape.every((d, i) => d === 1 || d === shape[lead + i]);
  if (!fits) {
    throw new ShapeError(`${op}: ${name} of shape ${fmtShape(t.shape)} does not broadcast to the input shape ${fmtShape(shape)}`);
  }
}
