// Padding: padSequence stacks [L_b, *] sequences into one [T, B, *] / [B, T, *] tensor with
// T = max L_b (PyTorch's pad_sequence); unpadSequence cuts them back out as views.
// T time steps, B sequences, b a batch index, L_b the length of sequence b.

import { ShapeError, ValueError, checkOptions, fmtShape, scope, type Tensor } from '@recur/tensor';
import { checkCount, checkInRange, readLengths, type Lengths } from './lengths.js';
import { checkSequences, concatSequences, gatherRows } from './rows.js';

export interface PadSequenceOptions {
  /** Output [B, T, *] instead of [T, B, *]. Default false. */
  readonly batchFirst?: boolean;
  /** Value at the padded positions. Default 0. */
  readonly paddingValue?: number;
  /** Pad after each sequence ('right', the default) or before it ('left'). */
  readonly paddingSide?: 'left' | 'right';
}

export interface UnpadSequenceOptions {
  /** Input is [B, T, *] instead of [T, B, *]. Default false. */
  readonly batchFirst?: boolean;
}

/** Pad a list of [L_b, *] sequences to one tensor; empty sequences are allowed, as in PyTorch. */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): Tensor {
  checkOptions('padSequence', options, ['batchFirst', 'paddingValue', 'paddingSide']);
  const op = 'padSequence';
  const side = options.paddingSide ?? 'right';
  if (side !== 'left' && side !== 'right') {
    throw new ValueError(`${op}: paddingSide must be 'left' or 'right'; got '${String(side)}'`);
  }
  const batchFirst = options.batchFirst ?? false;
  const { lengths, starts } = checkSequences(op, sequences);
  const batch = lengths.length;
  let steps = 0;
  for (const length of lengths) steps = Math.max(steps, length);
  const index = new Int32Array(steps * batch);
  for (let b = 0; b < batch; b++) {
    // Left padding shifts each sequence so that its last step lands on t = T - 1.
    const shift = side === 'left' ? steps - lengths[b]! : 0;
    for (let t = 0; t < steps; t++) {
      const step = t - shift;
      const row = step >= 0 && step < lengths[b]! ? starts[b]! + step : -1;
      index[batchFirst ? b * steps + t : t * batch + b] = row;
    }
  }
  return scope(() => {
    const table = concatSequences(sequences);
    return gatherRows(table, index, batchFirst ? [batch, steps] : [steps, batch], options.paddingValue ?? 0);
  });
}

/** The sequences of a padded batch as [L_b, *] views (PyTorch's unpad_sequence); lengths may be 0. */
export function unpadSequence(padded: Tensor, lengths: Lengths, options: UnpadSequenceOptions = {}): Tensor[] {
  checkOptions('unpadSequence', options, ['batchFirst']);
  const op = 'unpadSequence';
  const batchFirst = options.batchFirst ?? false;
  if (padded.rank < 2) {
    throw new ShapeError(
      `${op}: padded must have at least 2 dimensions (${batchFirst ? '[B, T, *]' : '[T, B, *]'}); got shape ${fmtShape(padded.shape)}`,
    );
  }
  const steps = padded.shape[batchFirst ? 1 : 0]!;
  const batch = padded.shape[batchFirst ? 0 : 1]!;
  const lens = readLengths(op, lengths);
  checkCount(op, lens, batch, padded.shape);
  checkInRange(op, lens, steps);
  return scope(() => Array.from(lens, (length, b) => padded.select(batchFirst ? 0 : 1, b).narrow(0, 0, length)));
}
