// The variants: bidirectional (forward and backward states side by side), deep (stacked
// layers), LSTM (gates and a cell state) and GRU (two gates, no cell). B batch, T steps, H hidden.

// #region example
import { cpu } from '@recur/backend-cpu';
import { GRU, LSTM, RNN } from '@recur/cells';
import { randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
const x = randn([4, 9, 16]); // [B, T, I] with batchFirst

// Bidirectional: each step sees the past (forward) and the future (backward): 2·H features.
const birnn = new RNN({ inputSize: 16, hiddenSize: 32, bidirectional: true, batchFirst: true });
const [both, hBoth] = birnn.forward(x);
console.log(both.shape, hBoth.shape); // [4, 9, 64] [2, 4, 32]: h_n rows are (forward, backward)

// Deep: layer l reads the hidden states of layer l − 1; dropout sits between layers.
const deep = new GRU({ inputSize: 16, hiddenSize: 32, numLayers: 3, dropout: 0.2, batchFirst: true });
const [top, hLayers] = deep.forward(x);
console.log(top.shape, hLayers.shape); // [4, 9, 32] [3, 4, 32]: one final state per layer

// LSTM: input, forget and output gates plus a cell state c that carries long-term memory.
const lstm = new LSTM({ inputSize: 16, hiddenSize: 32, batchFirst: true });
const [, [hN, cN]] = lstm.forward(x);
console.log(hN.shape, cN.shape); // [1, 4, 32] [1, 4, 32]
console.log(lstm.stateDict().weight_ih_l0!.shape); // [128, 16]: four gates stacked i, f, g, o

// GRU: reset and update gates, the cell and hidden state merged into one.
const gru = new GRU({ inputSize: 16, hiddenSize: 32, batchFirst: true });
console.log(gru.stateDict().weight_ih_l0!.shape); // [96, 16]: three blocks r, z, n
// #endregion example
export const widths = { bidirectional: both.shape[2], lstmRows: lstm.stateDict().weight_ih_l0!.shape[0] };
