// The input and state layouts of a single-direction recurrent layer outside RecurrentBase
// (LayerNormLSTM, ClockworkRNN): [T, B, I] (or [B, T, I] with batchFirst, [T, I] unbatched, or a
// PackedSequence) to packed rows [N, I] and back; initial states [L, B, H] in sorted batch order.

import { ShapeError, Tensor, ValueError, backendOf, describeValue, fmtShape, indexSelect, reshape, zeros } from '@recur/tensor';
import { PackedSequence } from '@recur/sequence';

export type SequenceLayout =
  | { kind: 'packed'; data: Tensor; batchSizes: Int32Array; batch: number; packed: PackedSequence }
  | { kind: 'padded'; data: Tensor; batchSizes: Int32Array; batch: number; steps: number; unbatched: boolean };

/** The packed rows [N, I] of `input` (a typed error names the expected layout). */
export function sequenceLayout(owner: string, input: unknown, inputSize: number, batchFirst: boolean): SequenceLayout {
  if (input instanceof PackedSequence) {
    const data = input.data;
    if (data.rank !== 2 || data.shape[1] !== inputSize) {
      throw new ShapeError(`${owner}: expected packed data [N, ${inputSize}]; got ${fmtShape(data.shape)}`);
    }
    return { kind: 'packed', data, batchSizes: input.batchSizes, batch: input.batchSizes[0] ?? 0, packed: input };
  }
  if (!(input instanceof Tensor)) {
    throw new ShapeError(`${owner}: expected a Tensor or a PackedSequence; got ${describeValue(input)}`);
  }
  if ((input.rank !== 2 && input.rank !== 3) || input.shape[input.rank - 1] !== inputSize) {
    const expected = batchFirst ? `[batch, seq, ${inputSize}]` : `[seq, batch, ${inputSize}]`;
    throw new ShapeError(`${owner}: expected input ${expected} or unbatched [seq, ${inputSize}]; got ${fmtShape(input.shape)}`);
  }
  const unbatched = input.rank === 2;
  const seqFirst = unbatched ? input.unsqueeze(1) : batchFirst ? input.transpose(0, 1) : input;
  const [steps, batch] = seqFirst.shape as [number, number];
  if (steps === 0) throw new ShapeError(`${owner}: the sequence is empty (shape ${fmtShape(input.shape)})`);
  return {
    kind: 'padded',
    data: reshape(seqFirst, [steps * batch, inputSize]),
    batchSizes: new Int32Array(steps).fill(batch),
    batch,
    steps,
    unbatched,
  };
}

/** An initial state [layers, B, size] (or [layers, size] unbatched) in run order; zeros when absent. */
export function initialStates(owner: string, name: string, given: unknown, layout: SequenceLayout, layers: number, size: number): Tensor {
  const unbatched = layout.kind === 'padded' && layout.unbatched;
  const expected = unbatched ? [layers, size] : [layers, layout.batch, size];
  if (given === undefined || given === null) return zeros([layers, layout.batch, size], { backend: backendOf(owner, layout.data) });
  if (!(given instanceof Tensor)) {
    throw new ValueError(`${owner}: ${name} must be a Tensor of shape ${fmtShape(expected)}; got ${describeValue(given)}`);
  }
  if (given.rank !== expected.length || given.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${owner}: expected ${name} of shape ${fmtShape(expected)}; got ${fmtShape(given.shape)}`);
  }
  if (unbatched) return given.unsqueeze(1);
  // A packed batch runs in length-sorted order; initial states come in the caller's order.
  if (layout.kind === 'packed' && layout.packed.sortedIndices) return indexSelect(given, 1, layout.packed.sortedIndices);
  return given;
}

/** The output rows [N, H] back in the input's layout, and final states [layers, B, H] in the caller's order. */
export function finishLayout(
  layout: SequenceLayout,
  data: Tensor,
  finals: readonly Tensor[],
  batchFirst: boolean,
): { output: Tensor | PackedSequence; finals: Tensor[] } {
  if (layout.kind === 'packed') {
    const order = layout.packed.unsortedIndices;
    return { output: layout.packed.withData(data), finals: finals.map((t) => (order ? indexSelect(t, 1, order) : t)) };
  }
  let output = reshape(data, [layout.steps, layout.batch, data.shape[1]!]);
  if (layout.unbatched) return { output: output.squeeze(1), finals: finals.map((t) => t.squeeze(1)) };
  if (batchFirst) output = output.transpose(0, 1);
  return { output, finals: [...finals] };
}
