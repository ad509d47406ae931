// Unpacking: padPackedSequence (PackedSequence → padded [T, B, *] / [B, T, *] plus lengths) and
// unpackSequence (→ a list of [L_b, *]), both in the original batch order, both differentiable
// w.r.t. packed.data. T time steps, B sequences, b an original batch index, j a sorted position.

import { backendOf, ValueError, checkOptions, describeValue, fromTypedArray, scope, type Tensor } from '@recur/tensor';
import { invertPermutation } from './lengths.js';
import { PackedSequence, hostOrder, stepOffsets } from './packed-sequence.js';
import { gatherRows } from './rows.js';

export interface PadPackedOptions {
  /** Output [B, T, *] instead of [T, B, *]. Default false. */
  readonly batchFirst?: boolean;
  /** Value at the padded positions. Default 0. */
  readonly paddingValue?: number;
  /** Pad to this many steps (at least the longest length), e.g. to match a DataParallel chunk. */
  readonly totalLength?: number;
}

/** Where each original sequence b sits in the sorted order (positions[b] = j). */
function sortedPositions(packed: PackedSequence): Int32Array<ArrayBuffer> {
  const order = hostOrder(packed);
  if (order) return invertPermutation(order);
  return Int32Array.from({ length: packed.batchSize }, (_, b) => b);
}

/**
 * The padded batch and each sequence's length (int32 [B], original order), as PyTorch's
 * pad_packed_sequence. Gradients of the padded output flow back to packed.data.
 */
function expectPacked(op: string, packed: unknown): void {
  if (!(packed instanceof PackedSequence)) throw new ValueError(`${op}: expected a PackedSequence; got ${describeValue(packed)}`);
}

export function padPackedSequence(packed: PackedSequence, options: PadPackedOptions = {}): [Tensor, Tensor] {
  expectPacked('padPackedSequence', packed);
  checkOptions('padPackedSequence', options, ['batchFirst', 'paddingValue', 'totalLength']);
  const op = 'padPackedSequence';
  const batchFirst = options.batchFirst ?? false;
  const longest = packed.maxLength;
  const steps = options.totalLength ?? longest;
  if (!Number.isInteger(steps) || steps < longest) {
    throw new ValueError(`${op}: totalLength must be an integer of at least the longest sequence length ${longest}; got ${steps}`);
  }
  const batch = packed.batchSize;
  const lengths = packed.lengths;
  const positions = sortedPositions(packed);
  const offsets = stepOffsets(packed.batchSizes);
  const index = new Int32Array(steps * batch);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const row = t < lengths[b]! ? offsets[t]! + positions[b]! : -1;
      index[batchFirst ? b * steps + t : t * batch + b] = row;
    }
  }
  return scope((): [Tensor, Tensor] => {
    const outer = batchFirst ? [batch, steps] : [steps, batch];
    const padded = gatherRows(packed.data, index, outer, options.paddingValue ?? 0);
    return [padded, fromTypedArray(lengths, [batch], { backend: backendOf(op, packed.data) })];
  });
}

/**
 * The sequences as a list of [L_b, *] tensors in the original order (PyTorch's
 * unpack_sequence): one gather into [Σ L, *], split into views.
 */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  expectPacked('unpackSequence', packed);
  const lengths = packed.lengths;
  const positions = sortedPositions(packed);
  const offsets = stepOffsets(packed.batchSizes);
  const index = new Int32Array(packed.data.shape[0]!);
  let row = 0;
  for (let b = 0; b < lengths.length; b++) {
    for (let t = 0; t < lengths[b]!; t++) index[row++] = offsets[t]! + positions[b]!;
  }
  return scope(() => gatherRows(packed.data, index, [index.length]).split([...lengths], 0));
}
