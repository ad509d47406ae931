// Compressing a model for deployment: prune the smallest weights (one global magnitude threshold,
// as torch.nn.utils.prune.global_unstructured), quantise the Linear and LSTM weights to int8 with a
// scale per output row (as torch's quantize_dynamic), save, and load into a freshly built model.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTMModel } from '@recur/cells';
import { globalUnstructured, loadModuleWeights, quantizeDynamic, readWeights, serializeModuleWeights, weightMatrices } from '@recur/export';
import { manualSeed, randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const build = () => new LSTMModel({ inputSize: 8, hiddenSize: 64, outputSize: 3, numLayers: 2 });
const model = build();
const plain = await serializeModuleWeights(model); // float32 safetensors: 4 bytes a weight

// Prune: zero the half of all weight-matrix entries with the smallest |w| (biases stay).
const report = globalUnstructured(weightMatrices(model), { amount: 0.5 });
console.log(report.total.sparsity); // 0.5

const x = randn([20, 4, 8]); // [T, B, I]
const pruned = model.forward(x);

// Quantise: int8 weights with a float32 scale per row; activations stay float32.
await quantizeDynamic(model, { dtype: 'int8' });
const compressed = await serializeModuleWeights(model); // pruned matrices: a bit mask + the kept int8 values

// Load: build the same model, quantise it the same way, then read the file into it.
const loaded = await quantizeDynamic(build(), { dtype: 'int8' });
loadModuleWeights(loaded, readWeights(compressed), 'model.safetensors');
const drift = loaded.forward(x).sub(pruned).abs().max().itemSync();
console.log(plain.length, compressed.length, drift); // 210516 42368 (5× smaller); int8 moves the outputs by ~1e-4
// #endregion example
export { compressed, drift, plain, report };
