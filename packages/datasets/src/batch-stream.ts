// Batching for streaming datasets (records arriving from a file or network, too many to index):
// the IterableDataset path of a DataLoader. Optional seeded shuffle buffer, as tf.data's shuffle:
// memory stays at bufferSize records, and the order is only locally random.

import { ValueError, checkOptions } from '@recur/tensor';
import { checkPositiveInteger, type IterableDataset } from './dataset.js';
import { mixSeed, mulberry32 } from './random.js';

export interface BatchStreamOptions<T, B> {
  /** Default 1. */
  readonly batchSize?: number;
  /** Drop the last batch when it is short. Default false. */
  readonly dropLast?: boolean;
  /** Records → batch; default the array of records. */
  readonly collate?: (records: T[]) => B;
  /** Shuffle through a buffer of this many records; 0 (the default) keeps the stream's order. */
  readonly shuffleBuffer?: number;
  /** Seed for the shuffle buffer. Default 0. */
  readonly seed?: number;
  /** Mixed into the seed so each pass over the stream is shuffled differently. Default 0. */
  readonly epoch?: number;
}

/** Records of `source`, reordered through a seeded buffer of `size` records. */
async function* shuffled<T>(source: IterableDataset<T>, size: number, seed: number, epoch: number): AsyncGenerator<T> {
  const random = mulberry32(mixSeed(seed, epoch));
  const buffer: T[] = [];
  for await (const record of source) {
    if (buffer.length < size) {
      buffer.push(record);
      continue;
    }
    // Emit a random resident and put the newcomer in its place.
    const j = Math.floor(random() * size);
    const out = buffer[j]!;
    buffer[j] = record;
    yield out;
  }
  while (buffer.length > 0) {
    const j = Math.floor(random() * buffer.length);
    const out = buffer[j]!;
    buffer[j] = buffer[buffer.length - 1]!;
    buffer.pop();
    yield out;
  }
}

/** Batches from a stream of records, collated as they fill. */
export async function* batchStream<T, B = T[]>(source: IterableDataset<T>, options: BatchStreamOptions<T, B> = {}): AsyncGenerator<B> {
  checkOptions('batchStream', options, ['batchSize', 'dropLast', 'collate', 'shuffleBuffer', 'seed', 'epoch']);
  const batchSize = options.batchSize ?? 1;
  checkPositiveInteger('batchStream', 'batchSize', batchSize);
  const bufferSize = options.shuffleBuffer ?? 0;
  if (!Number.isInteger(bufferSize) || bufferSize < 0) {
    throw new ValueError(`batchStream: shuffleBuffer must be a non-negative integer; got ${bufferSize}`);
  }
  const collate = options.collate ?? ((records: T[]) => records as unknown as B);
  const records = bufferSize > 0 ? shuffled(source, bufferSize, options.seed ?? 0, options.epoch ?? 0) : source;
  let batch: T[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length === batchSize) {
      yield collate(batch);
      batch = [];
    }
  }
  if (batch.length > 0 && !options.dropLast) yield collate(batch);
}
