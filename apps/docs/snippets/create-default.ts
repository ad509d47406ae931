// Getting started: the umbrella package `recurjs` re-exports every package, and createDefault()
// registers the CPU and, when an adapter exists, WebGPU, then activates the best one.

// #region example
// npm i recurjs
import { createDefault, GRU, randn } from 'recurjs';

const { backend, fallbackReason } = await createDefault({ warn: null });
console.log(backend.name, fallbackReason ?? 'WebGPU in use'); // 'webgpu', or 'cpu' and the reason

const gru = new GRU({ inputSize: 3, hiddenSize: 6 });
const [output] = gru.forward(randn([10, 1, 3])); // time-major by default: [T, B, I]
console.log(output.shape); // [10, 1, 6]
// #endregion example
export const backendName = backend.name;
