// Getting started: WebGPU if it starts, else the CPU, with one fallback chain (selectBackend). The
// model code does not change; only reading values back is asynchronous on a GPU.

// #region example
import { cpu } from '@recur/backend-cpu';
import { webgpu } from '@recur/backend-webgpu';
import { getBackend, selectBackend, tensor } from '@recur/tensor';

// The first backend that starts wins; WebGPU asks navigator.gpu (or Dawn in Node) for an adapter.
const { skipped } = await selectBackend([webgpu(), cpu()]);
for (const s of skipped) console.warn(`no ${s.name} here (${s.reason})`);
// Both are registered now: switching later is one call, e.g. await useBackend('cpu').

const a = tensor([
  [1, 2],
  [3, 4],
]);
const product = a.matmul(a);
console.log(getBackend().name, await product.toArray()); // 'webgpu' or 'cpu', [[7, 10], [15, 22]]
// #endregion example
export const result = await product.toArray();
