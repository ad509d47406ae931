// Time-series forecasting from the seed: sliding windows of lookback 10 predict the next value.
// The series is standardised first; windows become [B, 10, 1] batches for an LSTMModel.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTMModel, mseLoss } from '@recur/cells';
import { DataLoader, StandardScaler, slidingWindows, windowCollate } from '@recur/datasets';
import { Adam } from '@recur/optim';
import { manualSeed, registerBackend, scope, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

// A noisy seasonal series standing in for real data (the births demo uses CDC data).
const series = Array.from({ length: 400 }, (_, t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 7) + Math.cos(t / 17));
const scaler = new StandardScaler().fit(series.slice(0, 300)); // statistics of the training part only
const scaled = scaler.transform(series);

const windows = slidingWindows(scaled.slice(0, 300), { lookback: 10 }); // input: 10 steps, target: the 11th
console.log(windows.length, windows.get(0).input.length, windows.get(0).target); // 290 10 [value]

const loader = new DataLoader(windows, { batchSize: 32, shuffle: true, seed: 0, collate: windowCollate() });
const model = new LSTMModel({ inputSize: 1, hiddenSize: 16, outputSize: 1 });
const optimizer = new Adam(model.parameters(), { lr: 0.01 });

const epochLosses: number[] = [];
for (let epoch = 0; epoch < 5; epoch++) {
  let total = 0;
  for (const { inputs, targets } of loader) {
    optimizer.zeroGrad();
    total += scope(() => {
      const loss = mseLoss(model.forward(inputs), targets); // inputs [B, 10, 1], targets [B, 1]
      loss.backward();
      return loss.itemSync();
    });
    optimizer.step();
    inputs.dispose();
    targets.dispose();
  }
  epochLosses.push(total / loader.length);
}
console.log(epochLosses.map((loss) => loss.toFixed(3))); // falling
// Predictions come back in the original units with scaler.inverseTransform([...]).
// #endregion example
export { epochLosses };
