// PackedSequence: a batch of variable-length sequences in PyTorch's packed layout. `data` is
// [N, *] with N = Σ lengths, time-major: step t holds batchSizes[t] rows, one per sequence
// still running, longest first. T time steps, B sequences, j a position in the sorted order.

import {
  backendOf,
  BackendError,
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  checkOptions,
  describeValue,
  expectTensor,
  fmtShape,
  fromTypedArray,
  keep,
} from '@recur/tensor';
import { invertPermutation, sortedLengthsOf } from './lengths.js';

export interface PackedSequenceOptions {
  /** sortedIndices[j] = the original batch index of the j-th longest sequence (int32, [B]). */
  readonly sortedIndices?: Tensor | null;
  /** The inverse permutation: unsortedIndices[b] = the sorted position of sequence b. Derived when omitted. */
  readonly unsortedIndices?: Tensor | null;
}

/**
 * Host copies of sortedIndices (null = already sorted), so that unpacking decides its layout
 * without a device readback. Filled by the pack functions, or read from the tensor on first use.
 */
const hostOrders = new WeakMap<PackedSequence, Int32Array<ArrayBuffer> | null>();

export class PackedSequence {
  readonly data: Tensor;
  readonly batchSizes: Int32Array<ArrayBuffer>;
  readonly sortedIndices: Tensor | null;
  readonly unsortedIndices: Tensor | null;

  constructor(data: Tensor, batchSizes: Int32Array | readonly number[], options: PackedSequenceOptions = {}) {
    const op = 'PackedSequence';
    expectTensor(op, 'data', data);
    checkOptions(op, options, ['sortedIndices', 'unsortedIndices']);
    if (!Array.isArray(batchSizes) && !(batchSizes instanceof Int32Array)) {
      throw new ValueError(`${op}: batchSizes must be a number[] or an Int32Array; got ${describeValue(batchSizes)}`);
    }
    if (data.rank < 1) throw new ShapeError(`${op}: data must have at least 1 dimension ([N, *]); got shape ${fmtShape(data.shape)}`);
    const sizes = Int32Array.from(batchSizes);
    checkBatchSizes(op, sizes, batchSizes, data.shape);
    const sortedIndices = options.sortedIndices ?? null;
    let unsortedIndices = options.unsortedIndices ?? null;
    if (!sortedIndices && unsortedIndices) {
      throw new ValueError(`${op}: unsortedIndices was given without sortedIndices; pass both, or sortedIndices alone`);
    }
    if (sortedIndices) {
      checkIndexTensor(op, 'sortedIndices', sortedIndices, sizes[0]!);
      if (unsortedIndices) checkIndexTensor(op, 'unsortedIndices', unsortedIndices, sizes[0]!);
      else {
        const order = readOrder(op, sortedIndices);
        unsortedIndices = fromTypedArray(invertPermutation(order), [order.length], { backend: backendOf(op, sortedIndices) });
      }
    }
    this.data = data;
    this.batchSizes = sizes;
    this.sortedIndices = sortedIndices;
    this.unsortedIndices = unsortedIndices;
    if (!sortedIndices) hostOrders.set(this, null);
  }

  /** B: the number of sequences (the batch size at step 0). */
  get batchSize(): number {
    return this.batchSizes[0]!;
  }

  /** T: the length of the longest sequence. */
  get maxLength(): number {
    return this.batchSizes.length;
  }

  /** Each sequence's length, in the original batch order (host memory, like PyTorch's lengths). */
  get lengths(): Int32Array<ArrayBuffer> {
    const sorted = sortedLengthsOf(this.batchSizes);
    const order = hostOrder(this);
    if (!order) return sorted;
    const lengths = new Int32Array(sorted.length);
    for (let j = 0; j < order.length; j++) lengths[order[j]!] = sorted[j]!;
    return lengths;
  }

  /**
   * The same packing around other data (an RNN's output, say), as PyTorch's `_replace(data=…)`.
   * The index tensors are new handles on the same memory, so each PackedSequence disposes its own.
   */
  withData(data: Tensor): PackedSequence {
    const packed = new PackedSequence(data, this.batchSizes, {
      sortedIndices: this.sortedIndices?.detach() ?? null,
      unsortedIndices: this.unsortedIndices?.detach() ?? null,
    });
    if (hostOrders.has(this)) hostOrders.set(packed, hostOrders.get(this)!);
    return packed;
  }

  /**
   * Exempt all its tensors from every enclosing scope, so it lives until dispose() (as keep()
   * does for one tensor; returning it from a scope already moves it to the enclosing one).
   */
  keep(): this {
    keep(this.data);
    if (this.sortedIndices) keep(this.sortedIndices);
    if (this.unsortedIndices) keep(this.unsortedIndices);
    return this;
  }

  /** Free data and the index tensors. Safe to call twice. */
  dispose(): void {
    this.data.dispose();
    this.sortedIndices?.dispose();
    this.unsortedIndices?.dispose();
  }

  toString(): string {
    return `PackedSequence(data=${this.data.toString()}, batchSizes=[${this.batchSizes.join(',')}]${this.sortedIndices ? ', with sortedIndices' : ''})`;
  }
}

/** The start row in `data` of each step t, plus the total N at index T: step t is rows offsets[t]..offsets[t+1]. */
export function stepOffsets(batchSizes: Int32Array | readonly number[]): Int32Array<ArrayBuffer> {
  const offsets = new Int32Array(batchSizes.length + 1);
  for (let t = 0; t < batchSizes.length; t++) offsets[t + 1] = offsets[t]! + batchSizes[t]!;
  return offsets;
}

/** @internal Record the host copy of sortedIndices that a pack function already has. */
export function rememberOrder(packed: PackedSequence, order: Int32Array<ArrayBuffer> | null): void {
  hostOrders.set(packed, order);
}

/** @internal sortedIndices on the host (null when already sorted), read once and cached. */
export function hostOrder(packed: PackedSequence): Int32Array<ArrayBuffer> | null {
  if (hostOrders.has(packed)) return hostOrders.get(packed)!;
  const order = packed.sortedIndices ? readOrder('PackedSequence', packed.sortedIndices) : null;
  if (order && packed.unsortedIndices) {
    const inverse = readOrder('PackedSequence', packed.unsortedIndices);
    if (inverse.some((j, b) => order[j] !== b)) {
      throw new ValueError('PackedSequence: unsortedIndices is not the inverse permutation of sortedIndices');
    }
  }
  hostOrders.set(packed, order);
  return order;
}

function checkBatchSizes(op: string, sizes: Int32Array, given: ArrayLike<number>, dataShape: readonly number[]): void {
  if (sizes.length === 0) throw new ValueError(`${op}: batchSizes is empty; a packed batch needs at least one step`);
  let total = 0;
  for (let t = 0; t < sizes.length; t++) {
    if (sizes[t] !== given[t] || sizes[t]! < 1) {
      throw new ValueError(`${op}: batchSizes[${t}] must be a positive integer; got ${given[t]}`);
    }
    if (t > 0 && sizes[t]! > sizes[t - 1]!) {
      throw new ValueError(
        `${op}: batchSizes [${sizes.join(',')}] must not increase (step ${t} has ${sizes[t]}, step ${t - 1} has ${sizes[t - 1]})`,
      );
    }
    total += sizes[t]!;
  }
  if (total !== dataShape[0]) {
    throw new ShapeError(`${op}: batchSizes sum to ${total} rows, but data has shape ${fmtShape(dataShape)}`);
  }
}

function checkIndexTensor(op: string, name: string, indices: Tensor, batchSize: number): void {
  if (indices.dtype !== 'int32') throw new DTypeError(`${op}: ${name} must be int32; got ${indices.dtype}`);
  if (indices.rank !== 1 || indices.shape[0] !== batchSize) {
    throw new ShapeError(`${op}: ${name} must have shape [${batchSize}] (batchSizes[0]); got ${fmtShape(indices.shape)}`);
  }
}

/** A permutation tensor's values on the host, checked to be a permutation. */
function readOrder(op: string, indices: Tensor): Int32Array<ArrayBuffer> {
  let values: Int32Array<ArrayBuffer>;
  try {
    values = Int32Array.from(indices.dataSync());
  } catch (error) {
    if (!(error instanceof BackendError)) throw error;
    throw new BackendError(
      `${op}: its index tensors live on backend '${indices.backend}', which cannot be read synchronously; ` +
        'build it with packPaddedSequence/packSequence, or give both sortedIndices and unsortedIndices from a host backend',
    );
  }
  const seen = new Uint8Array(values.length);
  for (const v of values) {
    if (v < 0 || v >= values.length || seen[v]) {
      throw new ValueError(`${op}: index tensor [${values.join(',')}] is not a permutation of 0..${values.length - 1}`);
    }
    seen[v] = 1;
  }
  return values;
}
