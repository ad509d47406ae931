// Datasets hold plain JS records (no tensors): the map-style `Dataset<T>` (length + get(i), as
// torch.utils.data.Dataset), the streaming `IterableDataset<T>`, and small wrappers over them.

import { IndexError, ValueError } from '@recur/tensor';

/** Map-style: random access by index 0..length-1, what a shuffling DataLoader needs. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** Streaming: records arrive in order and may not fit in memory (a large CSV, a socket). */
export type IterableDataset<T> = AsyncIterable<T> | Iterable<T>;

/** An IndexError unless `index` is an integer in 0..length-1. */
export function checkIndex(name: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new IndexError(`${name}: index ${index} is out of range for a dataset of ${length} records`);
  }
}

/** A Dataset over an array (or any array-like); records are returned as stored, not copied. */
export class ArrayDataset<T> implements Dataset<T>, Iterable<T> {
  readonly #items: ArrayLike<T>;

  constructor(items: ArrayLike<T>) {
    this.#items = items;
  }

  get length(): number {
    return this.#items.length;
  }

  get(index: number): T {
    checkIndex('ArrayDataset.get', index, this.#items.length);
    return this.#items[index]!;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.#items.length; i++) yield this.#items[i]!;
  }
}

/** The records of `dataset` at `indices`, in that order (torch.utils.data.Subset). */
export class Subset<T> implements Dataset<T> {
  readonly #dataset: Dataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: Dataset<T>, indices: readonly number[]) {
    for (const index of indices) checkIndex('Subset', index, dataset.length);
    this.#dataset = dataset;
    this.indices = indices;
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex('Subset.get', index, this.indices.length);
    return this.#dataset.get(this.indices[index]!);
  }
}

/** A lazily mapped view: `fn` runs on each `get`, so tokenising a corpus costs nothing up front. */
export class MappedDataset<T, U> implements Dataset<U> {
  readonly #dataset: Dataset<T>;
  readonly #fn: (item: T, index: number) => U;

  constructor(dataset: Dataset<T>, fn: (item: T, index: number) => U) {
    this.#dataset = dataset;
    this.#fn = fn;
  }

  get length(): number {
    return this.#dataset.length;
  }

  get(index: number): U {
    return this.#fn(this.#dataset.get(index), index);
  }
}

/** Records of a map-style dataset in index order. */
export function* iterateDataset<T>(dataset: Dataset<T>): Generator<T> {
  for (let i = 0; i < dataset.length; i++) yield dataset.get(i);
}

/** Every record of a streaming dataset in an array (only for data that fits in memory). */
export async function collect<T>(source: IterableDataset<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** A ValueError unless `value` is a positive integer; shared by the batching options. */
export function checkPositiveInteger(name: string, option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValueError(`${name}: ${option} must be a positive integer; got ${value}`);
  }
}
