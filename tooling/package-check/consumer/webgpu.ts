// The WebGPU backend's declarations name GPUDevice and friends: they must come with the package
// (its dependency on @webgpu/types), not from the consumer's own configuration.
import { createWebGPUBackend, webgpu, type WebGPUBackend } from '@recur/backend-webgpu';

export async function gpu(device: GPUDevice): Promise<WebGPUBackend> {
  void webgpu;
  const usage: number = GPUBufferUsage.STORAGE;
  void usage;
  return createWebGPUBackend({ device });
}
