// Getting started: install only what you use, register the CPU backend and run an LSTM.

// #region example
// npm i @recur/tensor @recur/backend-cpu @recur/cells
import { cpu } from '@recur/backend-cpu';
import { LSTM } from '@recur/cells';
import { randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu()); // importing a package registers nothing; you choose the backends
await useBackend('cpu');

const lstm = new LSTM({ inputSize: 4, hiddenSize: 8, batchFirst: true });
const x = randn([2, 5, 4]); // batch of 2 sequences, 5 steps, 4 features per step
const [output, [hN, cN]] = lstm.forward(x);

console.log(output.shape); // [2, 5, 8]: every step's hidden state
console.log(hN.shape, cN.shape); // [1, 2, 8] [1, 2, 8]: the last hidden and cell states
// #endregion example
export const shapes = [output.shape, hN.shape, cN.shape];
