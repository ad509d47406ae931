// A remedy for long-range dependencies: skip connections across time, as in the dilated RNN
// (Chang et al. 2017): a layer with dilation d reads h_{t−d} instead of h_{t−1}. Stacked with
// dilations 1 then 10, step 0 reaches step 99 in 18 recurrent steps instead of 99.

// #region example
import { cpu } from '@recur/backend-cpu';
import { RNN } from '@recur/cells';
import { manualSeed, randn, registerBackend, useBackend, type Tensor } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
const [B, T, I, H] = [1, 100, 8, 32];

/** h_t = tanh(W_ih·x_t + W_hh·h_{t−d} + b): d interleaved chains of T/d steps, run as a batch. */
function dilated(rnn: RNN, x: Tensor, d: number): Tensor {
  const features = x.shape[2]!;
  const chains = x
    .reshape([B, T / d, d, features])
    .transpose(1, 2)
    .reshape([B * d, T / d, features]);
  const [out] = rnn.forward(chains); // [B·d, T/d, H]
  return out
    .reshape([B, d, T / d, H])
    .transpose(1, 2)
    .reshape([B, T, H]);
}

function gradientToFirstStep(dilations: readonly number[]): number {
  manualSeed(0); // the same weights and inputs for every stack
  const layers = dilations.map((_, l) => new RNN({ inputSize: l === 0 ? I : H, hiddenSize: H, batchFirst: true }));
  const x = randn([B, T, I], { requiresGrad: true });
  const y = layers.reduce((h, layer, l) => dilated(layer, h, dilations[l]!), x);
  y.select(1, T - 1)
    .sum()
    .backward();
  return x.grad!.select(1, 0).pow(2).sum().sqrt().itemSync();
}

const plainGradient = gradientToFirstStep([1, 1]);
const dilatedGradient = gradientToFirstStep([1, 10]);
console.log(plainGradient, dilatedGradient); // 0 (underflow) against ~8e-6
// #endregion example
export { dilatedGradient, plainGradient };
