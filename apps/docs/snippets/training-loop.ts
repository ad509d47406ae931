// The seed's training recipe: Adam (lr 0.001), StepLR (step 5, gamma 0.1) and gradient
// clipping to norm 1.0, with scope() so every step frees its temporaries.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTMModel, mseLoss } from '@recur/cells';
import { Adam, StepLR, clipGradNormAsync } from '@recur/optim';
import { manualSeed, randn, registerBackend, scope, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const model = new LSTMModel({ inputSize: 3, hiddenSize: 16, outputSize: 1 });
const x = randn([32, 12, 3]); // [B, T, I]
const y = x
  .sum({ axis: [1, 2] })
  .unsqueeze(1)
  .mul(0.1); // something learnable: [B, 1]

const optimizer = new Adam(model.parameters(), { lr: 0.001 });
const scheduler = new StepLR(optimizer, { stepSize: 5, gamma: 0.1 });
const losses: number[] = [];

for (let epoch = 0; epoch < 12; epoch++) {
  optimizer.zeroGrad();
  const loss = scope(() => {
    const l = mseLoss(model.forward(x), y);
    l.backward();
    return l; // returned tensors survive the scope
  });
  // The async form reads the norm back on any backend; clipGradNorm() is its CPU-only twin.
  const norm = await clipGradNormAsync(model.parameters(), 1.0);
  optimizer.step();
  scheduler.step(); // epochs 0–4 train with lr 0.001, 5–9 with 0.0001, then 0.00001
  losses.push(await loss.item());
  console.log(epoch, losses.at(-1)!.toFixed(4), norm.toFixed(3), scheduler.getLastLr()[0]);
  loss.dispose();
}
optimizer.dispose();
// #endregion example
export { losses };
