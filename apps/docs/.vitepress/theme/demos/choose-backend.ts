// Pick the demos' backend: WebGPU when the browser (or worker) offers an adapter, the CPU
// otherwise or when asked for, through @recur/tensor's fallback chain (selectBackend).

import { cpu } from '@recur/backend-cpu';
import { webgpu } from '@recur/backend-webgpu';
import { selectBackend, type BackendPlugin } from '@recur/tensor';
import type { BackendChoice } from './protocol.js';

export interface ChosenBackend {
  readonly name: string;
  /** Why WebGPU was not used when 'auto' wanted it. */
  readonly fallbackReason?: string;
}

interface GpuNavigator {
  readonly gpu?: unknown;
}

/** WebGPU, refused up front with a plain reason where the browser has no navigator.gpu. */
const webgpuPlugin: BackendPlugin = {
  name: 'webgpu',
  create() {
    if (!(globalThis.navigator as GpuNavigator | undefined)?.gpu) throw new Error('navigator.gpu is undefined');
    return webgpu().create();
  },
};

export async function chooseBackend(choice: BackendChoice): Promise<ChosenBackend> {
  const { backend, skipped } = await selectBackend(choice === 'cpu' ? [cpu()] : [webgpuPlugin, cpu()]);
  return skipped.length > 0 ? { name: backend.name, fallbackReason: skipped[0]!.reason } : { name: backend.name };
}
