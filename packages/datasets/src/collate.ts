// Collate: the edge where plain records become tensors. padCollate pads variable-length token
// ids or feature sequences to the batch's longest, batch-first, with lengths and a mask for
// packPaddedSequence and masked losses. B batch size, T longest length, F features per step.

import { ValueError, checkOptions, fromTypedArray, type BackendV1, type Tensor } from '@recur/tensor';

/** One sequence: token ids (ArrayLike<number>, one per step) or feature vectors ([L][F]). */
export type Sequence = ArrayLike<number> | readonly ArrayLike<number>[];

/** The record shape padCollate reads when no accessors are given. */
export interface SequenceExample {
  readonly input: Sequence;
  readonly target?: number | Sequence;
}

export type SequenceDType = 'int32' | 'float32';

/** A padded batch of inputs, tensors batch-first. */
export interface PaddedInputs {
  /** [B, T] (int32 ids by default) or [B, T, F] (float32) for feature sequences; padValue after L_b. */
  readonly inputs: Tensor;
  /** L_b on the host, as packPaddedSequence wants them (PyTorch keeps lengths on the CPU too). */
  readonly lengths: Int32Array;
  /** bool [B, T]: true at t < L_b. */
  readonly mask: Tensor;
}

/** A padded batch with targets. */
export interface PaddedBatch extends PaddedInputs {
  /**
   * [B] for one number per record (int32 class ids by default), or [B, T'] padded with
   * targetPadValue for target sequences (tagging, translation).
   */
  readonly targets: Tensor;
  /** L'_b for target sequences; null for one number per record. */
  readonly targetLengths: Int32Array | null;
}

export interface PadCollateOptions<T> {
  /** The sequence of a record; default `record.input`. */
  readonly input?: (record: T) => Sequence;
  /** The target of a record; default `record.target`. */
  readonly target?: (record: T) => number | Sequence;
  /** Written after each sequence's end; 0 is the seed vocabulary's <PAD>. Default 0. */
  readonly padValue?: number;
  /** Padding for target sequences. Default padValue. */
  readonly targetPadValue?: number;
  /** Default int32 for id sequences, float32 for feature sequences. */
  readonly dtype?: SequenceDType;
  /** Default int32 (class ids); float32 for regression targets. */
  readonly targetDtype?: SequenceDType;
  /** Keep only the first maxLength steps of longer sequences (inputs and target sequences). */
  readonly maxLength?: number;
  /** Where the tensors live; default the active backend. */
  readonly backend?: BackendV1 | string;
}

interface Padded {
  readonly values: Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer>;
  readonly shape: number[];
  readonly lengths: Int32Array;
}

function isFeatureSequence(sequence: Sequence): sequence is readonly ArrayLike<number>[] {
  return sequence.length > 0 && typeof sequence[0] !== 'number';
}

/**
 * Pad sequences on the host into one row-major buffer [B, T] or [B, T, F]. The batch is a
 * feature batch when any of its sequences has array steps; every step must then have F values.
 */
export function padSequences(
  sequences: readonly Sequence[],
  options: { padValue?: number; dtype?: SequenceDType; maxLength?: number } = {},
): Padded {
  const name = 'padSequences';
  const maxLength = options.maxLength ?? Infinity;
  if (maxLength !== Infinity && (!Number.isInteger(maxLength) || maxLength < 0)) {
    throw new ValueError(`${name}: maxLength must be a non-negative integer; got ${maxLength}`);
  }
  const example = sequences.find((sequence) => sequence.length > 0);
  const features = example !== undefined && isFeatureSequence(example) ? example[0]!.length : null;
  const batch = sequences.length;
  const lengths = new Int32Array(batch);
  let steps = 0;
  for (let b = 0; b < batch; b++) {
    lengths[b] = Math.min(sequences[b]!.length, maxLength);
    steps = Math.max(steps, lengths[b]!);
  }
  const dtype = options.dtype ?? (features === null ? 'int32' : 'float32');
  const width = features ?? 1;
  const values = dtype === 'int32' ? new Int32Array(batch * steps * width) : new Float32Array(batch * steps * width);
  values.fill(options.padValue ?? 0);
  for (let b = 0; b < batch; b++) {
    const sequence = sequences[b]!;
    for (let t = 0; t < lengths[b]!; t++) {
      const step = sequence[t]!;
      const offset = (b * steps + t) * width;
      if (features === null) {
        if (typeof step !== 'number') {
          throw new ValueError(`${name}: sequence ${b} has an array at step ${t}, but the batch holds plain ids`);
        }
        values[offset] = step;
      } else {
        if (typeof step === 'number' || step.length !== features) {
          const got = typeof step === 'number' ? 'a number' : `${step.length} features`;
          throw new ValueError(`${name}: sequence ${b} step ${t}: expected ${features} features, got ${got}`);
        }
        for (let f = 0; f < features; f++) values[offset + f] = step[f]!;
      }
    }
  }
  return { values, shape: features === null ? [batch, steps] : [batch, steps, features], lengths };
}

/** bool [B, T] with true at t < L_b. */
function maskOf(lengths: Int32Array, steps: number, backend: BackendV1 | string | undefined): Tensor {
  const mask = new Uint8Array(lengths.length * steps);
  for (let b = 0; b < lengths.length; b++) mask.fill(1, b * steps, b * steps + lengths[b]!);
  return fromTypedArray(mask, [lengths.length, steps], { dtype: 'bool', backend });
}

function defaultInput<T>(record: T): Sequence {
  const input = (record as Partial<SequenceExample> | null)?.input;
  if (input === undefined) {
    throw new ValueError('padCollate: a record has no `input` field; pass options.input to say where its sequence is');
  }
  return input;
}

function defaultTarget<T>(record: T): number | Sequence {
  const target = (record as Partial<SequenceExample> | null)?.target;
  if (target === undefined) {
    throw new ValueError('padCollate: a record has no `target` field; pass options.target, or target: null for inputs only');
  }
  return target;
}

function hostInputs<T>(records: readonly T[], options: PadCollateOptions<T>): Padded {
  if (records.length === 0) throw new ValueError('padCollate: cannot collate an empty batch');
  return padSequences(records.map(options.input ?? defaultInput), options);
}

/** Target values on the host; lengths null when each record has one number. */
function hostTargets<T>(records: readonly T[], options: PadCollateOptions<T>): Padded & { readonly scalar: boolean } {
  const targets = records.map(options.target ?? defaultTarget);
  const dtype = options.targetDtype ?? 'int32';
  const scalars = targets.filter((value) => typeof value === 'number').length;
  if (scalars === targets.length) {
    const numbers = targets as number[];
    const values = dtype === 'int32' ? Int32Array.from(numbers) : Float32Array.from(numbers);
    return { values, shape: [records.length], lengths: new Int32Array(0), scalar: true };
  }
  if (scalars > 0) throw new ValueError('padCollate: targets mix numbers and sequences within one batch');
  const padValue = options.targetPadValue ?? options.padValue ?? 0;
  return { ...padSequences(targets as Sequence[], { padValue, dtype, maxLength: options.maxLength }), scalar: false };
}

function toTensor(padded: Padded, backend: BackendV1 | string | undefined): Tensor {
  const dtype = padded.values instanceof Int32Array ? 'int32' : 'float32';
  return fromTypedArray(padded.values, padded.shape, { dtype, backend });
}

function toInputs(padded: Padded, backend: BackendV1 | string | undefined): PaddedInputs {
  return { inputs: toTensor(padded, backend), lengths: padded.lengths, mask: maskOf(padded.lengths, padded.shape[1]!, backend) };
}

/**
 * A collate function padding each batch to its longest sequence. Returns inputs [B, T] (ids)
 * or [B, T, F] (features), lengths, mask [B, T] and targets; the caller owns (and disposes)
 * the tensors. With `target: null` the batch carries inputs only.
 */
export function padCollate<T = SequenceExample>(
  options: Omit<PadCollateOptions<T>, 'target'> & { target: null },
): (records: readonly T[]) => PaddedInputs;
export function padCollate<T = SequenceExample>(options?: PadCollateOptions<T>): (records: readonly T[]) => PaddedBatch;
export function padCollate<T>(
  options: Omit<PadCollateOptions<T>, 'target'> & { target?: PadCollateOptions<T>['target'] | null } = {},
): (records: readonly T[]) => PaddedInputs | PaddedBatch {
  checkOptions('padCollate', options, ['input', 'target', 'padValue', 'targetPadValue', 'dtype', 'targetDtype', 'maxLength', 'backend']);
  const { target, ...rest } = options;
  if (target === null) return (records) => toInputs(hostInputs(records, rest), rest.backend);
  const withTarget: PadCollateOptions<T> = { ...rest, target };
  return (records) => {
    // Everything is checked on the host before the first tensor exists, so a bad record leaks nothing.
    const inputs = hostInputs(records, withTarget);
    const targets = hostTargets(records, withTarget);
    return {
      ...toInputs(inputs, rest.backend),
      targets: toTensor(targets, rest.backend),
      targetLengths: targets.scalar ? null : targets.lengths,
    };
  };
}
