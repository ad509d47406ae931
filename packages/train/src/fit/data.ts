// One epoch's batches from any DataSource, as an async iterable, and its validation at the
// public boundary (a ValueError saying which kinds of source fit accepts).

import { ValueError, describeValue } from '@recur/tensor';
import type { DataSource } from './types.js';

export function checkDataSource(owner: string, name: string, source: unknown): void {
  const ok =
    typeof source === 'function' ||
    (source !== null &&
      typeof source === 'object' &&
      (typeof (source as { batches?: unknown }).batches === 'function' ||
        typeof (source as Iterable<unknown>)[Symbol.iterator] === 'function' ||
        typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'));
  if (!ok) {
    throw new ValueError(
      `${owner}: '${name}' must be a DataLoader, a function (epoch) => batches, or an iterable of batches; got ${describeValue(source)}`,
    );
  }
}

/** The batches of `epoch`: a DataLoader's seeded order for that epoch, else the source re-iterated. */
export function epochBatches<B>(source: DataSource<B>, epoch: number): Iterable<B> | AsyncIterable<B> {
  if (typeof source === 'function') return source(epoch);
  const loader = source as { batches?: (epoch: number) => Iterable<B> };
  if (typeof loader.batches === 'function') return loader.batches(epoch);
  return source as Iterable<B> | AsyncIterable<B>;
}

export async function* iterate<B>(batches: Iterable<B> | AsyncIterable<B>): AsyncGenerator<B> {
  if (typeof (batches as AsyncIterable<B>)[Symbol.asyncIterator] === 'function') {
    yield* batches as AsyncIterable<B>;
  } else {
    yield* batches as Iterable<B>;
  }
}
