// A remedy for exploding gradients: clip the gradients' total norm before the optimizer step.
// A ReLU RNN whose recurrent matrix stretches (gain 1.5) blows the gradient up over 100 steps;
// clipGradNorm returns the norm it found and rescales every gradient to norm maxNorm.

// #region example
import { cpu } from '@recur/backend-cpu';
import { RNN } from '@recur/cells';
import { clipGradNorm } from '@recur/optim';
import { init, manualSeed, noGrad, randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const rnn = new RNN({ inputSize: 8, hiddenSize: 32, nonlinearity: 'relu', batchFirst: true });
noGrad(() => init.orthogonal(rnn.stateDict().weight_hh_l0!, { gain: 1.5 })); // every direction ×1.5
const [output] = rnn.forward(randn([4, 100, 8]));
output.select(1, -1).pow(2).mean().backward();

const normBefore = clipGradNorm(rnn.parameters(), 1.0); // clipGradNormAsync on a GPU backend
const normAfter = clipGradNorm(rnn.parameters(), 1.0); // measured again: now at most 1
console.log(normBefore, normAfter); // ~1e18, then 1: the update keeps its direction, not its size
// #endregion example
export { normAfter, normBefore };
