// Weight initialisation as the seed does it: Xavier (Glorot) normal for every weight, zero
// for every bias, through the `init` functions that mirror torch.nn.init.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM } from '@recur/cells';
import { init, noGrad, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

const lstm = new LSTM({ inputSize: 8, hiddenSize: 16, numLayers: 2 });
noGrad(() => {
  for (const [name, parameter] of lstm.namedParameters()) {
    if (name.includes('weight')) init.xavierNormal(parameter);
    else if (name.includes('bias')) init.zeros(parameter);
  }
});

const bias = lstm.stateDict().bias_ih_l0!;
console.log(bias.abs().max().itemSync()); // 0
console.log(init.calculateGain('tanh')); // 5/3, for xavierNormal(w, { gain }) before tanh layers
// #endregion example
export const biasMax = bias.abs().max().itemSync();
