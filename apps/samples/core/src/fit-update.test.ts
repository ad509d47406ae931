import { describe, expect, it } from 'vitest';
import { Linear } from '@recur/cells';
import { SGD } from '@recur/optim';
import { ValueError, scalar } from '@recur/tensor';
import { TrainingDivergedError } from './errors.js';
import { fit, type FitOptions } from './fit.js';
import type { TrainContext } from './task.js';

const context: TrainContext = {
  reporter: () => {},
  signal: new AbortController().signal,
  backend: 'cpu',
  restore: async () => null,
  save: async () => null,
};

function options(update: FitOptions<number>['update']): FitOptions<number> {
  const model = new Linear({ inFeatures: 1, outFeatures: 1 });
  return {
    context,
    model,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    epochs: 2,
    metric: { name: 'mae', higherIsBetter: false },
    batchIndices: () => [[0], [1], [2]],
    makeBatch: ([i]) => i!,
    update,
    validate: async () => ({ loss: 0, metrics: { mae: 0 } }),
  };
}

describe('fit with the caller’s own update (a truncated-BPTT trainer)', () => {
  it('runs it per batch, averages the losses it returns, and stops a diverged batch through check', async () => {
    const seen: number[] = [];
    const result = await fit(
      options(async (batch, check) => {
        seen.push(batch);
        check(batch + 1, 0.5);
        return batch + 1;
      }),
    );
    expect(seen).toEqual([0, 1, 2, 0, 1, 2]);
    expect(result.history.map((r) => r.trainLoss)).toEqual([2, 2]);
    const error = await fit(
      options(async (batch, check) => {
        check(batch === 1 ? NaN : 1, null);
        return 1;
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toMatch(/^training diverged: loss NaN at epoch 1, batch 2\/3/);
    const norm = await fit(
      options(async (_, check) => {
        check(1, Infinity);
        return 1;
      }),
    ).catch((caught: unknown) => caught);
    expect((norm as Error).message).toMatch(/gradient norm Infinity/);
  });

  it('takes exactly one of loss and update', async () => {
    const both = { ...options(async () => 0), loss: () => scalar(0) };
    await expect(fit(both)).rejects.toThrow(ValueError);
    await expect(fit({ ...options(undefined) })).rejects.toThrow(/exactly one of loss/);
  });
});
