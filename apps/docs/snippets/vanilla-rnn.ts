// The vanilla RNN written out: h_t = tanh(W_hh·h_{t-1} + W_xh·x_t + b_h), y_t = W_hy·h_t + b_y,
// with the RNN layer's own weights, checked against the layer. T steps, B batch, I in, H hidden.

// #region example
import { cpu } from '@recur/backend-cpu';
import { Linear, RNN } from '@recur/cells';
import { manualSeed, randn, registerBackend, stack, useBackend, zeros, type Tensor } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(1);

const [T, B, I, H] = [6, 2, 3, 4];
const rnn = new RNN({ inputSize: I, hiddenSize: H, nonlinearity: 'tanh' }); // or 'relu'
const head = new Linear({ inFeatures: H, outFeatures: 2 }); // W_hy and b_y

// PyTorch's names: W_xh is weight_ih_l0 [H, I], W_hh is weight_hh_l0 [H, H], and b_h is split
// into bias_ih_l0 + bias_hh_l0.
const { weight_ih_l0: wXh, weight_hh_l0: wHh, bias_ih_l0: bIh, bias_hh_l0: bHh } = rnn.stateDict();

const x = randn([T, B, I]);
let h: Tensor = zeros([B, H]);
const states: Tensor[] = [];
for (let t = 0; t < T; t++) {
  h = h.matmul(wHh!.T).add(x.select(0, t).matmul(wXh!.T)).add(bIh!).add(bHh!).tanh();
  states.push(h);
}
const byHand = stack(states); // [T, B, H]

const [output] = rnn.forward(x);
const y = head.forward(output); // y_t for every step: [T, B, 2]
const difference = byHand.sub(output).abs().max().itemSync();
console.log(y.shape, difference); // [6, 2, 2] and a difference near 1e-7
// #endregion example
export { difference };
