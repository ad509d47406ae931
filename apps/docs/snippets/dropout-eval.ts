// Best practice for regularisation: dropout between stacked layers (0.2–0.5), active only in
// training mode. eval() turns it off, so evaluation is deterministic.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM } from '@recur/cells';
import { manualSeed, noGrad, randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const lstm = new LSTM({ inputSize: 8, hiddenSize: 64, numLayers: 2, dropout: 0.3, batchFirst: true });
const x = randn([4, 10, 8]);

const differs = (a: Float32Array, b: Float32Array) => a.some((value, i) => value !== b[i]);
lstm.train();
const [a] = lstm.forward(x);
const [b] = lstm.forward(x);
console.log(differs(a.dataSync() as Float32Array, b.dataSync() as Float32Array)); // true: new dropout masks

lstm.eval();
const [c] = noGrad(() => lstm.forward(x));
const [d] = noGrad(() => lstm.forward(x));
console.log(differs(c.dataSync() as Float32Array, d.dataSync() as Float32Array)); // false: dropout is off
// #endregion example
export const evalIsDeterministic = !differs(c.dataSync() as Float32Array, d.dataSync() as Float32Array);
