// Getting started: register WebGPU next to the CPU and switch with one call. The model code
// does not change; only reading values back is asynchronous on a GPU.

// #region example
import { cpu } from '@recur/backend-cpu';
import { webgpu } from '@recur/backend-webgpu';
import { getBackend, registerBackend, tensor, useBackend } from '@recur/tensor';

registerBackend(cpu());
registerBackend(webgpu()); // nothing is created until the backend is first used

try {
  await useBackend('webgpu'); // asks navigator.gpu (or Dawn in Node) for an adapter
} catch (error) {
  console.warn(`no WebGPU here (${(error as Error).message}); staying on the CPU`);
  await useBackend('cpu');
}

const a = tensor([[1, 2], [3, 4]]);
const product = a.matmul(a);
console.log(getBackend().name, await product.toArray()); // 'webgpu' or 'cpu', [[7, 10], [15, 22]]
// #endregion example
export const result = await product.toArray();
