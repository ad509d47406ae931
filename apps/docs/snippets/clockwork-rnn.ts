// A remedy for long-range dependencies: the Clockwork RNN (Koutník et al. 2014). Module k updates
// only at steps t with t mod period_k = 0 and holds its state in between, so a slow module carries
// step 0 to step 99 through a handful of updates. Compared with a tanh RNN of the same width.

// #region example
import { cpu } from '@recur/backend-cpu';
import { ClockworkRNN, RNN } from '@recur/cells';
import { manualSeed, noGrad, randn, registerBackend, useBackend, type Tensor } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);
const T = 100;

const clockwork = new ClockworkRNN({ inputSize: 8, periods: [1, 2, 4, 8, 16, 32], moduleSize: 6, batchFirst: true });
const rnn = new RNN({ inputSize: 8, hiddenSize: 36, batchFirst: true }); // 6 modules × 6 units

function gradientToFirstStep(layer: ClockworkRNN | RNN): number {
  const x = randn([1, T, 8], { requiresGrad: true });
  layer
    .forward(x)[0]
    .select(1, T - 1)
    .sum()
    .backward();
  return x.grad!.select(1, 0).pow(2).sum().sqrt().itemSync();
}

// The slowest module (period 32, the last 6 units) changes only at steps 0, 32, 64 and 96.
const states: Tensor = noGrad(() => clockwork.forward(randn([1, T, 8]))[0].narrow(2, 30, 6)); // [1, T, 6]
const values = states.dataSync();
const slowUpdates = Array.from({ length: T }, (_, t) => t).filter(
  (t) => t === 0 || values.slice(6 * t, 6 * t + 6).some((v, u) => v !== values[6 * (t - 1) + u]),
);

console.log(slowUpdates); // [0, 32, 64, 96]
console.log(gradientToFirstStep(rnn), gradientToFirstStep(clockwork)); // ~0 against ~1e-3
// #endregion example
export const rnnGradient = gradientToFirstStep(rnn);
export const clockworkGradient = gradientToFirstStep(clockwork);
export { slowUpdates };
