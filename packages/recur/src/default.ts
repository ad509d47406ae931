// createDefault(): register the CPU backend and, when an adapter exists, WebGPU; activate the
// best one. A missing or failing GPU falls back to the CPU with a one-line warning.

import { cpu } from '@recur/backend-cpu';
import { checkOptions, registerBackend, useBackend, type BackendV1 } from '@recur/tensor';

export interface DefaultOptions {
  /** Try WebGPU first (default true). */
  readonly webgpu?: boolean;
  /** Where the fallback warning goes (default console.warn); null silences it. */
  readonly warn?: ((message: string) => void) | null;
}

export interface DefaultSetup {
  readonly backend: BackendV1;
  /** Why WebGPU was not used, when it was wanted and is not. */
  readonly fallbackReason?: string;
}

export async function createDefault(options: DefaultOptions = {}): Promise<DefaultSetup> {
  checkOptions('createDefault', options, ['webgpu', 'warn']);
  registerBackend(cpu());
  if (options.webgpu === false) return { backend: await useBackend('cpu') };
  try {
    const { webgpu } = await import('@recur/backend-webgpu');
    registerBackend(webgpu());
    return { backend: await useBackend('webgpu') };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!;
    const warn = options.warn === undefined ? console.warn : options.warn;
    warn?.(`recur: WebGPU unavailable (${reason}); using the CPU backend`);
    return { backend: await useBackend('cpu'), fallbackReason: reason };
  }
}
