// A remedy for long-range dependencies: self-attention over the RNN's states. Every position
// reads every other one directly, one step away however far apart; padded positions are masked.
// B batch, T steps, E = 2·H features of a bidirectional LSTM, 4 heads.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM, MultiheadAttention } from '@recur/cells';
import { manualSeed, registerBackend, tensor, randn, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const lstm = new LSTM({ inputSize: 8, hiddenSize: 16, bidirectional: true, batchFirst: true });
const attention = new MultiheadAttention({ embedDim: 32, numHeads: 4, batchFirst: true });

const [states] = lstm.forward(randn([2, 6, 8])); // [B, T, E]
// true = padding, not to be attended (PyTorch's convention): the second sequence has 4 steps.
const padding = tensor([
  [false, false, false, false, false, false],
  [false, false, false, false, true, true],
]);
const [mixed, weights] = attention.forward(states, states, states, { keyPaddingMask: padding });

console.log(mixed.shape, weights!.shape); // [2, 6, 32] [2, 6, 6]: weights averaged over the heads
console.log(weights!.sum({ axis: -1 }).toArraySync()); // every row sums to 1
console.log(weights!.select(0, 1).narrow(1, 4, 2).abs().max().itemSync()); // 0: padding is never read
// #endregion example
export const rowSums = weights!.sum({ axis: -1 }).dataSync();
export const paddedWeight = weights!.select(0, 1).narrow(1, 4, 2).abs().max().itemSync();
