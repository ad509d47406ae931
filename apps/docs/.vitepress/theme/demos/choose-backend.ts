// Pick the demos' backend: WebGPU when the browser (or worker) offers an adapter, the CPU
// otherwise or when asked for. Both are registered, so switching is one `useBackend` call.

import { cpu } from '@recur/backend-cpu';
import { webgpu } from '@recur/backend-webgpu';
import { registerBackend, useBackend } from '@recur/tensor';
import type { BackendChoice } from './protocol.js';

export interface ChosenBackend {
  readonly name: string;
  /** Why WebGPU was not used when 'auto' wanted it. */
  readonly fallbackReason?: string;
}

interface GpuNavigator {
  readonly gpu?: { requestAdapter(): Promise<unknown> };
}

let registered = false;

export async function chooseBackend(choice: BackendChoice): Promise<ChosenBackend> {
  if (!registered) {
    registerBackend(cpu());
    registerBackend(webgpu());
    registered = true;
  }
  if (choice === 'cpu') return { name: (await useBackend('cpu')).name };
  const gpu = (globalThis.navigator as GpuNavigator | undefined)?.gpu;
  if (!gpu) return { name: (await useBackend('cpu')).name, fallbackReason: 'navigator.gpu is undefined' };
  try {
    return { name: (await useBackend('webgpu')).name };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { name: (await useBackend('cpu')).name, fallbackReason: reason };
  }
}
