// A remedy for long-range dependencies: attention. At each decoder step, score every encoder
// output against the decoder state, softmax the scores into weights and read a weighted sum.
// The weights are what an attention heatmap shows. S source steps, T target steps, H hidden.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM, scaledDotProductAttention } from '@recur/cells';
import { randn, registerBackend, useBackend, type Tensor } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

/** Scaled dot-product attention: queries [B, T, H], keys/values [B, S, H] → context and weights. */
function attend(queries: Tensor, keys: Tensor, values: Tensor): { context: Tensor; weights: Tensor } {
  const scores = queries.matmul(keys.transpose(1, 2)).div(Math.sqrt(queries.shape[2]!)); // [B, T, S]
  const weights = scores.softmax(-1); // each row sums to 1 over the source steps
  return { context: weights.matmul(values), weights }; // context [B, T, H]
}

const encoder = new LSTM({ inputSize: 8, hiddenSize: 16, batchFirst: true });
const decoder = new LSTM({ inputSize: 8, hiddenSize: 16, batchFirst: true });
const [encoded, state] = encoder.forward(randn([1, 12, 8])); // 12 source steps
const [decoded] = decoder.forward(randn([1, 5, 8]), state); // 5 target steps
const { context, weights } = attend(decoded, encoded, encoded);

console.log(context.shape, weights.shape); // [1, 5, 16] [1, 5, 12]
console.log(weights.sum({ axis: -1 }).toArraySync()); // [[1, 1, 1, 1, 1]]

// The library's function (F.scaled_dot_product_attention) computes the same context.
const library = scaledDotProductAttention(decoded, encoded, encoded);
console.log(library.sub(context).abs().max().itemSync()); // 0 here; below 1e-6 in any case
// #endregion example
export const rowSums = weights.sum({ axis: -1 }).dataSync();
export const libraryDifference = library.sub(context).abs().max().itemSync();
