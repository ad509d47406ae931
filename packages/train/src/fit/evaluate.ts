// evaluate / predict: the model in eval mode, no gradient recording, one scope per batch. The
// evaluated loss is the mean of the batches' losses (PyTorch's usual validation loop).

import { ValueError, checkOptions, concat, describeValue, keep, noGrad, scope, type Tensor } from '@recur/tensor';
import { checkDataSource, epochBatches, iterate } from './data.js';
import type { DataSource, FitModel } from './types.js';

export interface EvaluateOptions<M, B> {
  readonly data: DataSource<B>;
  /** The batch's mean loss as a scalar tensor. */
  readonly loss: (model: M, batch: B) => Tensor;
  /** The epoch a DataLoader or a function of the epoch is asked for. Default 0. */
  readonly epoch?: number;
  readonly signal?: AbortSignal;
  /** A batch's number of samples: the loss becomes the per-sample mean (default: every batch weighs 1). */
  readonly batchSize?: (batch: B) => number;
}

function checkFunction(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'function') throw new ValueError(`${owner}: '${name}' must be a function; got ${describeValue(value)}`);
}

/** Run `fn` with the model in eval mode, restoring the mode it had. */
export async function inEvalMode<T>(model: FitModel, fn: () => Promise<T>): Promise<T> {
  const wasTraining = (model as { training?: boolean }).training ?? true;
  model.train(false);
  try {
    return await fn();
  } finally {
    model.train(wasTraining);
  }
}

/** The mean loss over `data`, the model in eval mode, without gradients. */
export async function evaluate<M extends FitModel, B>(
  model: M,
  options: EvaluateOptions<M, B>,
): Promise<{ loss: number; batches: number }> {
  const { data, loss, epoch = 0, signal, batchSize } = checkOptions('evaluate', options, ['data', 'loss', 'epoch', 'signal', 'batchSize']);
  checkDataSource('evaluate', 'data', data);
  checkFunction('evaluate', 'loss', loss);
  if (batchSize !== undefined) checkFunction('evaluate', 'batchSize', batchSize);
  return inEvalMode(model, async () => {
    let total = 0;
    let weight = 0;
    let batches = 0;
    for await (const batch of iterate(epochBatches(data, epoch))) {
      signal?.throwIfAborted();
      const value = noGrad(() => scope(() => loss(model, batch)));
      let w: number;
      try {
        w = batchSize ? batchSize(batch) : 1;
        if (!(typeof w === 'number' && w > 0 && Number.isFinite(w))) {
          throw new ValueError(`evaluate: batchSize(batch) must be a positive number; got ${describeValue(w)} at batch ${batches}`);
        }
        total += (await value.data())[0]! * w;
      } finally {
        value.dispose();
      }
      weight += w;
      batches++;
    }
    if (batches === 0) throw new ValueError('evaluate: the data gave no batches');
    return { loss: total / weight, batches };
  });
}

export interface PredictOptions<M, B> {
  readonly data: DataSource<B>;
  /** The model's output for a batch (first axis: the batch). */
  readonly forward: (model: M, batch: B) => Tensor;
  readonly epoch?: number;
  readonly signal?: AbortSignal;
}

/** Every batch's output, concatenated along the first axis; the model in eval mode, without gradients. */
export async function predict<M extends FitModel, B>(model: M, options: PredictOptions<M, B>): Promise<Tensor> {
  const { data, forward, epoch = 0, signal } = checkOptions('predict', options, ['data', 'forward', 'epoch', 'signal']);
  checkDataSource('predict', 'data', data);
  checkFunction('predict', 'forward', forward);
  return inEvalMode(model, async () => {
    const outputs: Tensor[] = [];
    try {
      for await (const batch of iterate(epochBatches(data, epoch))) {
        signal?.throwIfAborted();
        outputs.push(keep(noGrad(() => scope(() => forward(model, batch)))));
      }
      if (outputs.length === 0) throw new ValueError('predict: the data gave no batches');
      return outputs.length === 1 ? outputs.pop()! : concat(outputs, 0);
    } finally {
      for (const t of outputs) t.dispose();
    }
  });
}
