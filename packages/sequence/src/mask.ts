// Masks from lengths: mask[b, t] is true where step t is inside sequence b (t < L_b), the shape
// losses and attention use to ignore padding. B sequences, T steps, L_b the length of b.

import { backendOf, ValueError, checkOptions, fromTypedArray, Tensor } from '@recur/tensor';
import { checkInRange, readLengths, type Lengths } from './lengths.js';

export interface LengthsToMaskOptions {
  /** T: the mask's number of steps; default the longest length. Must not cut any sequence short. */
  readonly maxLength?: number;
  /** [B, T] (true, the default) or [T, B]. */
  readonly batchFirst?: boolean;
}

/** A bool mask [B, T] (or [T, B]) on the lengths tensor's backend, or the active one for plain numbers. */
export function lengthsToMask(lengths: Lengths, options: LengthsToMaskOptions = {}): Tensor {
  checkOptions('lengthsToMask', options, ['maxLength', 'batchFirst']);
  const op = 'lengthsToMask';
  const lens = readLengths(op, lengths);
  let longest = 0;
  for (const length of lens) longest = Math.max(longest, length);
  const steps = options.maxLength ?? longest;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new ValueError(`${op}: maxLength must be a non-negative integer; got ${steps}`);
  }
  checkInRange(op, lens, steps);
  const batchFirst = options.batchFirst ?? true;
  const batch = lens.length;
  const values = new Uint8Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < lens[b]!; t++) values[batchFirst ? b * steps + t : t * batch + b] = 1;
  }
  const backend = lengths instanceof Tensor ? backendOf(op, lengths) : undefined;
  return fromTypedArray(values, batchFirst ? [batch, steps] : [steps, batch], { dtype: 'bool', backend });
}
