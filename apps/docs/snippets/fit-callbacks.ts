// fit with the callbacks a run wants: early stopping that restores the best weights, checkpoints
// (kept in a Map here; files through @recur/train/node), a plateau scheduler, NaN/Inf detection
// and progress events — and summary() of the model first. Next-value forecasting of sine waves.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM, Linear, Module, mseLoss } from '@recur/cells';
import { Adam, ReduceLROnPlateau } from '@recur/optim';
import { fromTypedArray, manualSeed, randn, registerBackend, useBackend, type Tensor } from '@recur/tensor';
import { checkpoint, earlyStopping, fit, progress, summary, terminateOnNonFinite } from '@recur/train';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

class Forecaster extends Module {
  readonly lstm = this.registerModule('lstm', new LSTM({ inputSize: 1, hiddenSize: 16, batchFirst: true }));
  readonly head = this.registerModule('head', new Linear({ inFeatures: 16, outFeatures: 1 }));
  forward(x: Tensor): Tensor {
    return this.head.forward(this.lstm.forward(x)[0].select(1, -1)); // the last step's output
  }
}

/** `count` windows of 10 values of a sine wave from `start` on, each with the value that follows. */
function windows(start: number, count: number): { x: Tensor; y: Tensor } {
  const xs = new Float32Array(count * 10);
  const ys = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    for (let t = 0; t < 10; t++) xs[i * 10 + t] = Math.sin(0.3 * (start + i + t));
    ys[i] = Math.sin(0.3 * (start + i + 10));
  }
  return { x: fromTypedArray(xs, [count, 10, 1]), y: fromTypedArray(ys, [count, 1]) };
}
const train = [0, 16, 32, 48].map((start) => windows(start, 16)); // 4 batches, re-read every epoch
const validation = [windows(200, 32)];

const model = new Forecaster();
const table = summary(model, randn([1, 10, 1]));
console.log(table.toString()); // layers, output shapes, parameters (trainable and not)

const optimizer = new Adam(model.parameters(), { lr: 0.01 });
const stored = new Map<string, Uint8Array>(); // in a browser: IndexedDB or OPFS
const stopper = earlyStopping({ monitor: 'valLoss', patience: 4, restoreBest: true });
const { history, steps, stopReason } = await fit(model, {
  train,
  validation,
  loss: (m, { x, y }) => mseLoss(m.forward(x), y),
  optimizer,
  scheduler: { scheduler: new ReduceLROnPlateau(optimizer, { patience: 2 }), interval: 'plateau' },
  epochs: 60,
  clipGradNorm: 1,
  callbacks: [
    stopper,
    checkpoint({
      best: 'best',
      last: 'last',
      save: async (path, bytes) => void stored.set(path, bytes),
      load: async (path) => stored.get(path) ?? null,
    }),
    terminateOnNonFinite(), // a NaN loss or gradient stops fit with a NonFiniteError naming step and tensor
    progress((event) => {
      if (event.type === 'epoch') console.log(event.epoch, event.logs.loss, event.logs.valLoss, event.logs.lr);
    }),
  ],
});
console.log(steps, stopReason ?? 'all epochs ran', 'best epoch:', stopper.bestEpoch);
// #endregion example
export { history, stored, table };
