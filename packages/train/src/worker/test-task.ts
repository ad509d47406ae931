// The worker tests' task: test-helpers' regression model and data, built the same way in this
// thread (the reference fit) and in a worker_threads Worker, which serves it when started with
// workerData.serveFit. Params pick the seed, the learning rate (huge: NaN) and a failing setup.

import { isMainThread, workerData } from 'node:worker_threads';
import type { Sequential } from '@recur/cells';
import { Adam } from '@recur/optim';
import { ValueError } from '@recur/tensor';
import { loss, model, regressionData, type Batch } from '../fit/test-helpers.js';
import { serveFit, type WorkerFitSetup, type WorkerTaskContext } from './serve-fit.js';

export interface TaskParams {
  readonly seed: number;
  readonly epochs?: number;
  readonly lr?: number;
  /** Throw a ValueError while building the run. */
  readonly failSetup?: boolean;
}

export function task(params: TaskParams, context: WorkerTaskContext): WorkerFitSetup<Sequential, Batch> {
  if (params.failSetup) throw new ValueError('task: no data for this run');
  const m = model(params.seed);
  const data = regressionData(params.seed);
  return {
    model: m,
    train: data,
    validation: data.all,
    loss,
    optimizer: new Adam(m.parameters(), { lr: params.lr ?? 0.01 }),
    epochs: params.epochs ?? 3,
    callbacks: [{ onEpochEnd: (ctx) => context.post({ epoch: ctx.epoch }) }],
  };
}

if (!isMainThread && (workerData as { serveFit?: boolean } | null)?.serveFit) serveFit(task);
