// A remedy for vanishing gradients in deep stacks: residual connections. With `residual: true`
// each LSTM layer from the second on adds its input to its output, so the gradient has a short
// path to the bottom. B batch, T steps, H hidden (equal in every layer, so the sum is defined).

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM } from '@recur/cells';
import { manualSeed, randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

/** ‖∂(Σ outputs)/∂x‖ through a stack of 8 LSTM layers over 100 steps. */
function inputGradient(residual: boolean): number {
  manualSeed(0); // the same weights and inputs with and without the shortcut
  const lstm = new LSTM({ inputSize: 32, hiddenSize: 32, numLayers: 8, batchFirst: true, residual });
  const x = randn([2, 100, 32], { requiresGrad: true }); // [B, T, H]
  lstm.forward(x)[0].sum().backward();
  return x.grad!.pow(2).sum().sqrt().itemSync();
}

const plainGradient = inputGradient(false);
const residualGradient = inputGradient(true);
console.log(plainGradient, residualGradient); // ~0.002 against ~30: the bottom layers still learn
// Residual stacks load PyTorch checkpoints unchanged: the shortcut has no parameters.
// #endregion example
export { plainGradient, residualGradient };
