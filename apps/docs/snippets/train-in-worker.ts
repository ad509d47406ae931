// Training in a worker: the task (backend, model, data, loss — everything that is code) is built
// in the worker, which calls serveFit(task); the main thread calls fitInWorker and gets progress
// as it happens and the weights as safetensors bytes. Node's worker_threads here, this file being
// both sides; in a browser the page does `new Worker(url, { type: 'module' })` on a worker script.

// The docs' tests run this file from source: their Worker boots it through tsx (./support).
import { Worker } from './support/source-worker.js';
// #region example
import { isMainThread } from 'node:worker_threads';
import { cpu } from '@recur/backend-cpu';
import { GRU, Linear, Module, mseLoss } from '@recur/cells';
import { Adam } from '@recur/optim';
import { manualSeed, randn, registerBackend, useBackend, type Tensor } from '@recur/tensor';
import { fitInWorker, serveFit, type ProgressEvent, type WorkerFitSetup } from '@recur/train';

class Summer extends Module {
  readonly gru = this.registerModule('gru', new GRU({ inputSize: 2, hiddenSize: 12, batchFirst: true }));
  readonly head = this.registerModule('head', new Linear({ inFeatures: 12, outFeatures: 1 }));
  forward(x: Tensor): Tensor {
    return this.head.forward(this.gru.forward(x)[0].select(1, -1));
  }
}
type Batch = { x: Tensor; y: Tensor };

/** Runs in the worker: params come from fitInWorker (plain data). */
async function task(params: { seed: number; batches: number }): Promise<WorkerFitSetup<Summer, Batch>> {
  registerBackend(cpu());
  await useBackend('cpu');
  manualSeed(params.seed);
  const batch = (): Batch => {
    const x = randn([16, 8, 2]);
    return {
      x,
      y: x
        .sum({ axis: [1, 2] })
        .unsqueeze(1)
        .mul(0.25),
    }; // learn a scaled sum
  };
  const model = new Summer();
  return {
    model,
    train: Array.from({ length: params.batches }, batch),
    loss: (m, { x, y }) => mseLoss(m.forward(x), y),
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    epochs: 5,
  };
}

const losses: number[] = [];
let weights: Uint8Array = new Uint8Array();
if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url)); // this file, as the worker's script
  const controller = new AbortController(); // controller.abort() cancels the run
  const result = await fitInWorker(worker, {
    params: { seed: 0, batches: 4 },
    epochs: 10, // fit's serialisable options cross: epochs, clipGradNorm, earlyStopping, checkpoint…
    signal: controller.signal,
    onProgress: (event: ProgressEvent) => {
      if (event.type === 'epoch') losses.push(event.logs.loss!); // arrives while the worker trains
    },
  });
  weights = result.weights; // safetensors: parseSafetensors, or loadStateDict into a model here
  console.log(result.steps, losses.at(-1), weights.byteLength);
  await worker.terminate();
} else {
  serveFit(task); // the worker's side: serve fitInWorker's runs
}
// #endregion example
export { losses, weights };
