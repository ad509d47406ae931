// Which dataset indices go into which batch, per epoch: sequential, seeded shuffle, or bucketed
// by length (torchtext's BucketIterator). Only index arithmetic; collate turns indices into tensors.
// N is the dataset size, B the batch size, L_i the length of record i.

import { ValueError, checkOptions } from '@recur/tensor';
import { checkPositiveInteger } from './dataset.js';
import { mixSeed, mulberry32, permutation, shuffleInPlace } from './random.js';

export interface BatchPlanOptions {
  readonly batchSize: number;
  /** A new order every epoch, derived from seed and epoch. Default false. */
  readonly shuffle?: boolean;
  /** Any integer; the same (seed, epoch) always gives the same order. Default 0. */
  readonly seed?: number;
  readonly epoch?: number;
  /** Drop the final batch when it holds fewer than batchSize records. Default false. */
  readonly dropLast?: boolean;
  /** L_i for every record: turns bucketing on (records of similar length share a batch). */
  readonly lengths?: ArrayLike<number>;
  /**
   * Bucketing sorts chunks of chunkBatches·B records by length, so batches stay random across
   * chunks but uniform within one. torchtext used 100. Default 100.
   */
  readonly chunkBatches?: number;
}

function cut(order: readonly number[], batchSize: number): number[][] {
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}

/** The batches of one epoch, each a list of dataset indices. */
export function planBatches(size: number, options: BatchPlanOptions): number[][] {
  const name = 'planBatches';
  checkOptions(name, options, ['batchSize', 'shuffle', 'seed', 'epoch', 'dropLast', 'lengths', 'chunkBatches']);
  checkPositiveInteger(name, 'batchSize', options.batchSize);
  const epoch = options.epoch ?? 0;
  if (!Number.isInteger(epoch) || epoch < 0) throw new ValueError(`${name}: epoch must be a non-negative integer; got ${epoch}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ValueError(`${name}: seed must be an integer; got ${seed}`);
  const shuffle = options.shuffle ?? false;
  const random = mulberry32(mixSeed(seed, epoch));
  const order = shuffle ? permutation(size, random) : Array.from({ length: size }, (_, i) => i);

  let batches: number[][];
  if (options.lengths === undefined) {
    batches = cut(order, options.batchSize);
  } else {
    const lengths = options.lengths;
    if (lengths.length !== size) {
      throw new ValueError(`${name}: expected ${size} lengths (one per record); got ${lengths.length}`);
    }
    const chunkBatches = options.chunkBatches ?? 100;
    checkPositiveInteger(name, 'chunkBatches', chunkBatches);
    // A chunk is a whole number of batches, so only the very last batch can come out short.
    const chunkSize = chunkBatches * options.batchSize;
    batches = [];
    for (let start = 0; start < size; start += chunkSize) {
      const chunk = order.slice(start, start + chunkSize);
      // Longest first (stable, so ties keep the shuffled order): each batch arrives sorted the way
      // packPaddedSequence with enforceSorted: true wants it.
      chunk.sort((x, y) => lengths[y]! - lengths[x]!);
      batches.push(...cut(chunk, options.batchSize));
    }
    // Without this the long batches of every chunk would come first, epoch after epoch.
    if (shuffle) shuffleInPlace(batches, random);
  }
  if (options.dropLast) return batches.filter((batch) => batch.length === options.batchSize);
  return batches;
}

/** Padding cost of a batch plan: padded steps over all steps when every batch pads to its longest. */
export interface PaddingStats {
  /** Σ_b |b|·max_{i∈b} L_i: steps the padded tensors hold. */
  readonly totalSteps: number;
  /** Σ_i L_i: steps that carry data. */
  readonly realSteps: number;
  /** (totalSteps − realSteps) / totalSteps, 0 when there are no steps. */
  readonly paddingFraction: number;
}

export function paddingStats(batches: readonly (readonly number[])[], lengths: ArrayLike<number>): PaddingStats {
  let totalSteps = 0;
  let realSteps = 0;
  for (const batch of batches) {
    let longest = 0;
    for (const index of batch) {
      longest = Math.max(longest, lengths[index]!);
      realSteps += lengths[index]!;
    }
    totalSteps += longest * batch.length;
  }
  return { totalSteps, realSteps, paddingFraction: totalSteps === 0 ? 0 : (totalSteps - realSteps) / totalSteps };
}
