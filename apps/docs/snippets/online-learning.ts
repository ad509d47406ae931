// Online learning with truncated BPTT: each value of a noisy seasonal series is forecast before
// it arrives (prequential), then learned from; an update every k1 = 4 values, gradients 16 back.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM, Linear, Module, RecurrentStream, mseLoss, l1Loss } from '@recur/cells';
import { Adam } from '@recur/optim';
import { fromTypedArray, manualSeed, registerBackend, scope, useBackend, zeros, type Tensor } from '@recur/tensor';
import { TruncatedBPTT } from '@recur/train';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

/** LSTM → Linear on every step: (x [1, T, 1], (h, c)) → (forecast [1, T, 1], (h, c)). */
class Forecaster extends Module {
  readonly lstm = this.registerModule('lstm', new LSTM({ inputSize: 1, hiddenSize: 16, batchFirst: true }));
  readonly head = this.registerModule('head', new Linear({ inFeatures: 16, outFeatures: 1 }));
  initialState(batch: number): [Tensor, Tensor] {
    return [zeros([1, batch, 16]), zeros([1, batch, 16])];
  }
  forward(x: Tensor, state: readonly [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    return scope(() => {
      const [out, next] = this.lstm.forward(x, state);
      return [this.head.forward(out), next];
    });
  }
}

const model = new Forecaster();
const stream = new RecurrentStream(model); // one stream, state carried from value to value
const trainer = new TruncatedBPTT(stream, {
  optimizer: new Adam(model.parameters(), { lr: 0.01 }),
  loss: mseLoss,
  metrics: { mae: l1Loss },
  k1: 4, // an update every 4 values…
  k2: 16, // …whose gradient runs 16 values back, from a state detached there
  clipNorm: 1,
});

const series = Array.from({ length: 400 }, (_, t) => Math.sin((2 * Math.PI * t) / 12) + 0.1 * Math.cos(t));
const step = (value: number) => fromTypedArray(Float32Array.of(value), [1, 1, 1]);
const early: number[] = [];
for (let t = 0; t + 1 < series.length; t++) {
  trainer.predict(step(series[t]!)).dispose(); // forecast value t + 1 (the caller would use it)
  await trainer.learn(step(series[t + 1]!)); // it arrives: scored first, then learned from
  if (t === 99) early.push(trainer.running.metrics.mae!);
  if (t === 99) trainer.resetMetrics();
}
const late = trainer.running.metrics.mae!; // the last 300 values' prequential MAE
console.log(early[0]!.toFixed(3), late.toFixed(3), trainer.running.updates); // the error falls as it learns
// #endregion example
export const firstHundredMae = early[0]!;
export const laterMae = late;
