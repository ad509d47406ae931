// DataLoader: batches of a map-style Dataset with PyTorch's options (batchSize, shuffle, dropLast,
// collate) plus a seed for reproducible orders and length bucketing to cut padding.
// Each epoch's order comes from (seed, epoch); iterating the loader again starts the next epoch.

import { ValueError, checkOptions } from '@recur/tensor';
import { planBatches, paddingStats } from './batch-plan.js';
import { checkPositiveInteger, type Dataset } from './dataset.js';

export interface DataLoaderOptions<T, B> {
  /** Default 1. */
  readonly batchSize?: number;
  /** Default false. */
  readonly shuffle?: boolean;
  /** Any integer; same seed → same order for every epoch. Default 0, so runs are reproducible unless asked otherwise. */
  readonly seed?: number;
  /** Drop the last batch when it is short. Default false. */
  readonly dropLast?: boolean;
  /** Records → batch; the only place tensors are made. Default: the array of records. */
  readonly collate?: (records: T[]) => B;
  /**
   * The length of a record (e.g. its number of tokens). Given, batches group records of similar
   * length inside shuffled chunks (torchtext's BucketIterator), which cuts padding.
   */
  readonly bucketBy?: (record: T) => number;
  /** Batches per bucketing chunk; larger means less padding but less randomness. Default 100. */
  readonly chunkBatches?: number;
}

/** What bucketing bought for one epoch. */
export interface PaddingReport {
  /** Padded steps / all steps with bucketing. */
  readonly paddingFraction: number;
  /** The same with plain (seeded, shuffled as configured) batches of the same size. */
  readonly unbucketedPaddingFraction: number;
  /** unbucketed − bucketed: the fraction of all steps no longer spent on padding. */
  readonly saved: number;
}

export class DataLoader<T, B = T[]> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** The epoch the next `for … of` runs; starting an iteration advances it by one. */
  epoch = 0;
  readonly #collate: (records: T[]) => B;
  readonly #bucketBy: ((record: T) => number) | undefined;
  readonly #chunkBatches: number;
  #lengths: Int32Array | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    checkOptions('DataLoader', options, ['batchSize', 'shuffle', 'seed', 'dropLast', 'collate', 'bucketBy', 'chunkBatches']);
    this.dataset = dataset;
    this.batchSize = options.batchSize ?? 1;
    checkPositiveInteger('DataLoader', 'batchSize', this.batchSize);
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
    if (!Number.isInteger(this.seed)) throw new ValueError(`DataLoader: seed must be an integer; got ${this.seed}`);
    this.dropLast = options.dropLast ?? false;
    this.#collate = options.collate ?? ((records) => records as unknown as B);
    this.#bucketBy = options.bucketBy;
    this.#chunkBatches = options.chunkBatches ?? 100;
    checkPositiveInteger('DataLoader', 'chunkBatches', this.#chunkBatches);
  }

  /** Batches per epoch (len(loader) in PyTorch). */
  get length(): number {
    const full = Math.floor(this.dataset.length / this.batchSize);
    return this.dropLast || this.dataset.length % this.batchSize === 0 ? full : full + 1;
  }

  /** Record lengths for bucketing, read once: every record is visited the first time. */
  #recordLengths(): Int32Array | undefined {
    if (this.#bucketBy === undefined) return undefined;
    if (this.#lengths === undefined) {
      const lengths = new Int32Array(this.dataset.length);
      for (let i = 0; i < lengths.length; i++) lengths[i] = this.#bucketBy(this.dataset.get(i));
      this.#lengths = lengths;
    }
    return this.#lengths;
  }

  /** The dataset indices of every batch of `epoch`, without touching the records' contents. */
  batchIndices(epoch: number = this.epoch): number[][] {
    return planBatches(this.dataset.length, {
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      seed: this.seed,
      epoch,
      dropLast: this.dropLast,
      lengths: this.#recordLengths(),
      chunkBatches: this.#chunkBatches,
    });
  }

  /** The batches of one given epoch; does not move `epoch`. */
  *batches(epoch: number = this.epoch): Generator<B> {
    for (const indices of this.batchIndices(epoch)) yield this.#collate(indices.map((i) => this.dataset.get(i)));
  }

  /** The batches of the current epoch, then `epoch` moves on, like re-iterating a PyTorch DataLoader. */
  [Symbol.iterator](): Generator<B> {
    const epoch = this.epoch;
    this.epoch += 1;
    return this.batches(epoch);
  }

  /** Padding with and without bucketing for one epoch; needs `bucketBy`. */
  paddingReport(epoch: number = this.epoch): PaddingReport {
    const lengths = this.#recordLengths();
    if (lengths === undefined) throw new ValueError('DataLoader.paddingReport: needs the bucketBy option to know record lengths');
    const plain = planBatches(this.dataset.length, {
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      seed: this.seed,
      epoch,
      dropLast: this.dropLast,
    });
    const paddingFraction = paddingStats(this.batchIndices(epoch), lengths).paddingFraction;
    const unbucketedPaddingFraction = paddingStats(plain, lengths).paddingFraction;
    return { paddingFraction, unbucketedPaddingFraction, saved: unbucketedPaddingFraction - paddingFraction };
  }
}
