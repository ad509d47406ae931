// Packing: packPaddedSequence (a padded [T, B, *] / [B, T, *] batch) and packSequence (a list
// of [L_b, *] sequences) into a PackedSequence, as torch.nn.utils.rnn does. T time steps,
// B sequences, b an original batch index, j a position in the length-sorted order.

import { backendOf, ShapeError, ValueError, checkOptions, expectTensor, fmtShape, fromTypedArray, scope, type Tensor } from '@recur/tensor';
import {
  batchSizesOf,
  checkCount,
  checkPackable,
  checkSortedDescending,
  invertPermutation,
  readLengths,
  sortOrder,
  type Lengths,
} from './lengths.js';
import { PackedSequence, rememberOrder } from './packed-sequence.js';
import { checkSequences, concatSequences, gatherRows } from './rows.js';

export interface PackPaddedOptions {
  /** Input is [B, T, *] instead of [T, B, *]. Default false. */
  readonly batchFirst?: boolean;
  /** Require lengths sorted longest first (then no indices are stored). Default true. */
  readonly enforceSorted?: boolean;
}

export interface PackSequenceOptions {
  readonly enforceSorted?: boolean;
}

/**
 * Pack a padded batch (PyTorch's pack_padded_sequence). `data` is built by one gather from the
 * input, so gradients flow back to it; padded positions are never read and get zero gradient.
 */
export function packPaddedSequence(input: Tensor, lengths: Lengths, options: PackPaddedOptions = {}): PackedSequence {
  const op = 'packPaddedSequence';
  expectTensor(op, 'input', input);
  checkOptions(op, options, ['batchFirst', 'enforceSorted']);
  const batchFirst = options.batchFirst ?? false;
  if (input.rank < 2) {
    throw new ShapeError(
      `${op}: input must have at least 2 dimensions (${batchFirst ? '[B, T, *]' : '[T, B, *]'}); got shape ${fmtShape(input.shape)}`,
    );
  }
  const steps = input.shape[batchFirst ? 1 : 0]!;
  const batch = input.shape[batchFirst ? 0 : 1]!;
  const lens = readLengths(op, lengths);
  checkCount(op, lens, batch, input.shape);
  // A contiguous input reshapes to its [T·B, *] (or [B·T, *]) row table without a copy.
  const table = () => input.reshape([steps * batch, ...input.shape.slice(2)]);
  return packRows(op, lens, options.enforceSorted ?? true, steps, table, (b, t) => (batchFirst ? b * steps + t : t * batch + b));
}

/** Pack a list of [L_b, *] sequences (PyTorch's pack_sequence) without padding them first. */
export function packSequence(sequences: readonly Tensor[], options: PackSequenceOptions = {}): PackedSequence {
  const op = 'packSequence';
  checkOptions(op, options, ['enforceSorted']);
  const list = checkSequences(op, sequences);
  const table = () => concatSequences(sequences);
  return packRows(op, list.lengths, options.enforceSorted ?? true, Infinity, table, (b, t) => list.starts[b]! + t);
}

/**
 * The shared core: validate lengths, choose the order, and gather row `rowOf(b, t)` of the
 * [rows, *] table that `makeTable` builds (inside a scope) for every step t and every sequence
 * still running at t.
 */
function packRows(
  op: string,
  lengths: Int32Array,
  enforceSorted: boolean,
  maxLength: number,
  makeTable: () => Tensor,
  rowOf: (b: number, t: number) => number,
): PackedSequence {
  if (lengths.length === 0) throw new ValueError(`${op}: expected at least one sequence; got a batch of 0`);
  checkPackable(op, lengths, maxLength);
  let order: Int32Array<ArrayBuffer> | null = null;
  if (enforceSorted) checkSortedDescending(op, lengths);
  else order = sortOrder(lengths);
  const sortedLengths = order ? order.map((b) => lengths[b]!) : lengths;
  const batchSizes = batchSizesOf(sortedLengths);
  let total = 0;
  for (const size of batchSizes) total += size;
  const index = new Int32Array(total);
  let row = 0;
  for (let t = 0; t < batchSizes.length; t++) {
    for (let j = 0; j < batchSizes[t]!; j++) index[row++] = rowOf(order ? order[j]! : j, t);
  }
  const made = scope(() => {
    const table = makeTable();
    const data = gatherRows(table, index, [total]);
    const backend = backendOf(op, table);
    const sortedIndices = order ? fromTypedArray(order, [order.length], { backend }) : null;
    const unsortedIndices = order ? fromTypedArray(invertPermutation(order), [order.length], { backend }) : null;
    return { data, sortedIndices, unsortedIndices };
  });
  const packed = new PackedSequence(made.data, batchSizes, { sortedIndices: made.sortedIndices, unsortedIndices: made.unsortedIndices });
  rememberOrder(packed, order);
  return packed;
}
