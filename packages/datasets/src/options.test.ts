// Option objects of the data pipeline: an unknown (misspelt) key is a ValueError naming it and
// the known ones, never silently ignored (a `batch_size` would otherwise give batches of 1).

import { describe, expect, it } from 'vitest';
import { ValueError } from '@recur/tensor';
import { ArrayDataset } from './dataset.js';
import { DataLoader } from './data-loader.js';
import { planBatches } from './batch-plan.js';
import { batchStream } from './batch-stream.js';
import { padCollate } from './collate.js';
import { MinMaxScaler } from './scalers.js';
import { slidingWindows } from './windows.js';
import { hashSplit, splitOfKey, trainValTestSplit } from './split.js';

// Typed as never so a deliberately wrong options object reaches any parameter unchecked.
const loose = (value: unknown): never => value as never;

describe('unknown option keys', () => {
  it('DataLoader', () => {
    const dataset = new ArrayDataset([1, 2, 3, 4]);
    expect(() => new DataLoader(dataset, loose({ batch_size: 2 }))).toThrow(ValueError);
    expect(() => new DataLoader(dataset, loose({ batch_size: 2 }))).toThrow(/DataLoader: unknown option 'batch_size'/);
    expect(() => new DataLoader(dataset, loose({ batchSize: 2, shufle: true }))).toThrow(/did you mean 'shuffle'/);
    expect(() => new DataLoader(dataset, loose(2))).toThrow(/DataLoader: expected an options object/);
    expect(new DataLoader(dataset, { batchSize: 2 }).length).toBe(2);
  });

  it('batching, collate, scalers, windows and splits', async () => {
    expect(() => planBatches(4, loose({ batchSize: 2, drop_last: true }))).toThrow(/planBatches: unknown option 'drop_last'/);
    await expect(batchStream([1, 2], loose({ bufferSize: 2 })).next()).rejects.toThrow(/batchStream: unknown option 'bufferSize'/);
    expect(() => padCollate(loose({ padIndex: 0 }))).toThrow(/padCollate: unknown option 'padIndex'/);
    expect(() => new MinMaxScaler(loose({ range: [0, 1] }))).toThrow(/MinMaxScaler: unknown option 'range'/);
    expect(() => slidingWindows([1, 2, 3], loose({ lookback: 1, horizn: 1 }))).toThrow(/did you mean 'horizon'/);
    expect(() => trainValTestSplit([1, 2, 3], loose({ val: 0.2 }))).toThrow(ValueError);
    expect(() => splitOfKey('a', loose({ test: 0.2 }))).toThrow(ValueError);
    expect(() => hashSplit([1], String, loose({ training: 0.5 }))).toThrow(/did you mean 'train'/);
  });
});
