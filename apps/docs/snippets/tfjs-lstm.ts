// Moving an LSTM from TensorFlow.js / Keras. Keras keeps kernel [I, 4H] and recurrent kernel
// [H, 4H] with gates in the order i, f, c, o and one bias; Recur (like PyTorch) keeps
// weight_ih [4H, I] and weight_hh [4H, H] in the order i, f, g, o with two biases. The gate
// order agrees, so the conversion is a transpose. I input size, H hidden size.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM } from '@recur/cells';
import { fromTypedArray, randn, registerBackend, useBackend, zeros, type Tensor } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

/** The arrays of `layer.getWeights()` (awaited with .data()) → a Recur state dict for layer 0. */
function fromKerasLSTM(
  kernel: Float32Array<ArrayBuffer>,
  recurrentKernel: Float32Array<ArrayBuffer>,
  bias: Float32Array<ArrayBuffer>,
  inputSize: number,
  hiddenSize: number,
): Record<string, Tensor> {
  return {
    weight_ih_l0: fromTypedArray(kernel, [inputSize, 4 * hiddenSize]).T.contiguous(),
    weight_hh_l0: fromTypedArray(recurrentKernel, [hiddenSize, 4 * hiddenSize]).T.contiguous(),
    bias_ih_l0: fromTypedArray(bias, [4 * hiddenSize]),
    bias_hh_l0: zeros([4 * hiddenSize]), // Keras has one bias; the second is zero
  };
}

const [I, H] = [3, 5];
const kernel = randn([I, 4 * H]).dataSync() as Float32Array<ArrayBuffer>; // stand-ins for trained weights
const recurrentKernel = randn([H, 4 * H]).dataSync() as Float32Array<ArrayBuffer>;
const bias = randn([4 * H]).dataSync() as Float32Array<ArrayBuffer>;

const lstm = new LSTM({ inputSize: I, hiddenSize: H, batchFirst: true });
lstm.loadStateDict(fromKerasLSTM(kernel, recurrentKernel, bias, I, H));

// One step of Keras's own equations from a zero state, to check: z = x·K + b, c = i·tanh(g), h = o·tanh(c).
const x = randn([1, 1, I]);
const z = x
  .reshape([1, I])
  .matmul(fromTypedArray(kernel, [I, 4 * H]))
  .add(fromTypedArray(bias, [4 * H]));
const gate = (k: number) => z.narrow(1, k * H, H);
const c = gate(0).sigmoid().mul(gate(2).tanh());
const hKeras = gate(3).sigmoid().mul(c.tanh());

const [, [hRecur]] = lstm.forward(x);
const difference = hRecur.reshape([1, H]).sub(hKeras).abs().max().itemSync();
console.log(difference); // about 1e-7: same numbers, provided Keras used recurrentActivation 'sigmoid'
// #endregion example
export { difference };
