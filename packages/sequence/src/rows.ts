// Row tables: every layout change in this package (pad, pack, unpack) is one gather of rows
// from a [N, *] table, with -1 standing for a padding row. One indexSelect keeps it to a single
// kernel and gives the gradient for free: a scatter-add back to the rows that were read.

import {
  backendOf,
  DTypeError,
  ShapeError,
  ValueError,
  concat,
  describeValue,
  expectTensor,
  fmtShape,
  fromTypedArray,
  full,
  indexSelect,
  scope,
  type Tensor,
} from '@recur/tensor';

/** rows[index[k]] for each k, shaped [...outer, *]; -1 gives a row filled with paddingValue. */
export function gatherRows(table: Tensor, index: Int32Array<ArrayBuffer>, outer: readonly number[], paddingValue = 0): Tensor {
  return scope(() => {
    const features = table.shape.slice(1);
    let source = table;
    let rows = index;
    if (index.includes(-1)) {
      // The padding row sits after the real rows; no gradient reaches it, since `full` needs none.
      const padRow = full([1, ...features], paddingValue, { dtype: table.dtype, backend: backendOf('gatherRows', table) });
      source = concat([table, padRow], 0);
      const padIndex = table.shape[0]!;
      rows = index.map((i) => (i < 0 ? padIndex : i));
    }
    const indices = fromTypedArray(rows, [rows.length], { backend: backendOf('gatherRows', table) });
    return indexSelect(source, 0, indices).reshape([...outer, ...features]);
  });
}

/** A list of sequences [L_b, *] checked to share dtype and feature shape `*`. */
export interface SequenceList {
  readonly lengths: Int32Array<ArrayBuffer>;
  /** Row of each sequence's step 0 in the concatenation of all sequences. */
  readonly starts: Int32Array<ArrayBuffer>;
  readonly features: readonly number[];
}

export function checkSequences(op: string, sequences: readonly Tensor[]): SequenceList {
  if (!Array.isArray(sequences as unknown))
    throw new ValueError(`${op}: expected an array of [L, *] tensors; got ${describeValue(sequences)}`);
  sequences.forEach((sequence, b) => expectTensor(op, `sequences[${b}]`, sequence));
  if (sequences.length === 0) throw new ValueError(`${op}: expected at least one sequence; got an empty list`);
  const first = sequences[0]!;
  if (first.rank < 1) throw new ShapeError(`${op}: sequences must be [L, *] with at least 1 dimension; sequence 0 has shape []`);
  const features = first.shape.slice(1);
  const lengths = new Int32Array(sequences.length);
  const starts = new Int32Array(sequences.length);
  let total = 0;
  sequences.forEach((sequence, b) => {
    if (sequence.dtype !== first.dtype) {
      throw new DTypeError(`${op}: sequence ${b} is ${sequence.dtype}, sequence 0 is ${first.dtype}`);
    }
    const sameFeatures = sequence.rank === first.rank && features.every((d, i) => sequence.shape[i + 1] === d);
    if (!sameFeatures) {
      throw new ShapeError(
        `${op}: sequence ${b} has shape ${fmtShape(sequence.shape)}, expected [*,${features.join(',')}] (the trailing dimensions of sequence 0, ${fmtShape(first.shape)})`,
      );
    }
    lengths[b] = sequence.shape[0]!;
    starts[b] = total;
    total += lengths[b]!;
  });
  return { lengths, starts, features };
}

/** All sequences end to end as one [Σ L, *] table; a lone sequence is already that table. */
export function concatSequences(sequences: readonly Tensor[]): Tensor {
  return sequences.length === 1 ? sequences[0]! : concat(sequences, 0);
}
