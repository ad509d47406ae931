// batchStream: batching of async streams, dropLast, collate, and the seeded shuffle buffer.

import { describe, expect, it } from 'vitest';
import { ValueError } from '@recur/tensor';
import { batchStream } from './batch-stream.js';
import { collect } from './dataset.js';

async function* count(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

describe('batchStream', () => {
  it('batches a stream in order, keeping or dropping the short tail', async () => {
    expect(await collect(batchStream(count(5), { batchSize: 2 }))).toEqual([[0, 1], [2, 3], [4]]);
    expect(await collect(batchStream(count(5), { batchSize: 2, dropLast: true }))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(await collect(batchStream([1, 2, 3], { batchSize: 3, collate: (xs) => xs.reduce((a, b) => a + b) }))).toEqual([6]);
  });

  it('shuffles through a seeded buffer: reproducible, complete, different per epoch', async () => {
    const run = (epoch: number) => collect(batchStream(count(100), { batchSize: 10, shuffleBuffer: 16, seed: 4, epoch }));
    const a = (await run(0)).flat();
    expect((await run(0)).flat()).toEqual(a);
    expect((await run(1)).flat()).not.toEqual(a);
    expect(a).not.toEqual([...Array(100).keys()]);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
  });

  it('rejects a negative buffer', async () => {
    await expect(collect(batchStream(count(1), { shuffleBuffer: -1 }))).rejects.toThrow(ValueError);
  });
});
