// Sequence lengths on the host: reading and validating them, the stable length-descending sort
// order, and PyTorch's batch sizes (how many sequences are still running at each step t).
// B is the batch size, T the number of time steps.

import { BackendError, DTypeError, ShapeError, Tensor, ValueError, describeValue, fmtShape } from '@recur/tensor';

/** Lengths as PyTorch takes them: a 1-D int32 tensor on a host-memory backend, or plain numbers. */
export type Lengths = Tensor | readonly number[] | Int32Array;

/** Lengths as a fresh host Int32Array; only the container is checked here, not the values. */
export function readLengths(op: string, lengths: Lengths): Int32Array<ArrayBuffer> {
  if (lengths instanceof Tensor) {
    if (lengths.dtype !== 'int32') {
      throw new DTypeError(`${op}: a lengths tensor must be int32; got ${lengths.dtype} (or pass a number[] / Int32Array)`);
    }
    if (lengths.rank !== 1) throw new ShapeError(`${op}: lengths must be 1-D; got shape ${fmtShape(lengths.shape)}`);
    // PyTorch also keeps lengths on the CPU: the packing layout is decided on the host.
    try {
      return Int32Array.from(lengths.dataSync());
    } catch (error) {
      if (!(error instanceof BackendError)) throw error;
      throw new BackendError(
        `${op}: lengths must be readable on the host; got a tensor on backend '${lengths.backend}' (pass a number[] / Int32Array)`,
      );
    }
  }
  if (!Array.isArray(lengths) && !(lengths instanceof Int32Array)) {
    throw new ValueError(`${op}: lengths must be a number[], an Int32Array or a 1-D int32 tensor; got ${describeValue(lengths)}`);
  }
  const out = new Int32Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    const value: unknown = lengths[i];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new ValueError(`${op}: lengths must be integers; got ${describeValue(value)} at batch index ${i}`);
    }
    // Int32Array would wrap 2^32 + 4 around to 4: a length beyond int32 is an error (as in PyTorch).
    if (value > 0x7fffffff || value < -0x80000000) {
      throw new ValueError(`${op}: length ${value} at batch index ${i} does not fit in int32 (at most ${0x7fffffff})`);
    }
    out[i] = value;
  }
  return out;
}

/** Every length in 1..maxLength (packing needs at least one step per sequence). */
export function checkPackable(op: string, lengths: Int32Array, maxLength: number): void {
  for (let b = 0; b < lengths.length; b++) {
    const length = lengths[b]!;
    if (length < 1) {
      throw new ValueError(`${op}: length ${length} at batch index ${b} is not positive; every sequence needs at least one step`);
    }
    if (length > maxLength) {
      throw new ValueError(`${op}: length ${length} at batch index ${b} exceeds the sequence length ${maxLength}`);
    }
  }
}

/** Every length in 0..maxLength (padding and masks allow empty sequences). */
export function checkInRange(op: string, lengths: Int32Array, maxLength: number): void {
  for (let b = 0; b < lengths.length; b++) {
    const length = lengths[b]!;
    if (length < 0) throw new ValueError(`${op}: length ${length} at batch index ${b} is negative`);
    if (length > maxLength) {
      throw new ValueError(`${op}: length ${length} at batch index ${b} exceeds the sequence length ${maxLength}`);
    }
  }
}

/** A ShapeError unless there is one length per batch entry. */
export function checkCount(op: string, lengths: Int32Array, batchSize: number, inputShape: readonly number[]): void {
  if (lengths.length !== batchSize) {
    throw new ShapeError(`${op}: expected ${batchSize} lengths (the batch size of input ${fmtShape(inputShape)}); got ${lengths.length}`);
  }
}

/** A ValueError naming the first rise, for enforceSorted: true. */
export function checkSortedDescending(op: string, lengths: Int32Array): void {
  for (let b = 1; b < lengths.length; b++) {
    if (lengths[b]! > lengths[b - 1]!) {
      throw new ValueError(
        `${op}: lengths [${lengths.join(',')}] must be sorted in decreasing order when enforceSorted is true ` +
          `(length ${lengths[b]} at batch index ${b} follows ${lengths[b - 1]}); sort the batch or pass enforceSorted: false`,
      );
    }
  }
}

/**
 * Batch indices ordered by length, longest first; ties keep their batch order, so the result
 * is deterministic (PyTorch's sort makes no promise for ties).
 */
export function sortOrder(lengths: Int32Array): Int32Array<ArrayBuffer> {
  const order = Array.from(lengths, (_, b) => b);
  order.sort((x, y) => lengths[y]! - lengths[x]! || x - y);
  return Int32Array.from(order);
}

/** The inverse permutation: inverse[order[j]] = j. */
export function invertPermutation(order: Int32Array): Int32Array<ArrayBuffer> {
  const inverse = new Int32Array(order.length);
  for (let j = 0; j < order.length; j++) inverse[order[j]!] = j;
  return inverse;
}

/** batchSizes[t] = how many lengths exceed t, for t < the longest length. */
export function batchSizesOf(lengths: Int32Array): Int32Array<ArrayBuffer> {
  let longest = 0;
  for (const length of lengths) longest = Math.max(longest, length);
  const sizes = new Int32Array(longest);
  for (const length of lengths) for (let t = 0; t < length; t++) sizes[t]!++;
  return sizes;
}

/** Per-sequence lengths in sorted order, recovered from batch sizes: the inverse of batchSizesOf. */
export function sortedLengthsOf(batchSizes: Int32Array): Int32Array<ArrayBuffer> {
  const lengths = new Int32Array(batchSizes[0] ?? 0);
  for (let t = 0; t < batchSizes.length; t++) for (let j = 0; j < batchSizes[t]!; j++) lengths[j] = t + 1;
  return lengths;
}
