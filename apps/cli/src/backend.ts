// Choosing the compute backend for `--backend cpu|webgpu`. WebGPU is imported on demand, so
// the CLI runs where the `webgpu` package or a GPU is missing; then it falls back to the CPU
// with a warning that says why.

import { cpu, enableRelaxedSimd } from '@recur/backend-cpu';
import { registerBackend, useBackend, type BackendPlugin } from '@recur/tensor';

export type BackendName = 'cpu' | 'webgpu';
export const BACKENDS: readonly BackendName[] = ['cpu', 'webgpu'];

/** The V8 flag dawn.node needs (see the webgpu backend's recur-node launcher). */
export const GPU_FLAG = '--single-threaded-gc';

async function activateWebGPU(): Promise<void> {
  // A variable specifier keeps bundlers and type checks away from the optional GPU stack.
  const specifier = '@recur/backend-webgpu';
  const module = (await import(/* @vite-ignore */ specifier)) as { webgpu?: () => BackendPlugin };
  if (typeof module.webgpu !== 'function') throw new Error(`${specifier} does not export webgpu()`);
  registerBackend(module.webgpu());
  await useBackend('webgpu');
}

/** Activate the requested backend; returns the one in use. `warn` hears about a fallback. */
export async function selectBackend(name: BackendName, warn: (message: string) => void): Promise<BackendName> {
  if (name === 'webgpu') {
    try {
      await activateWebGPU();
      return 'webgpu';
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      warn(`--backend webgpu is unavailable here (${reason}); falling back to cpu`);
    }
  }
  // The CLI opts in to relaxed SIMD's FMA for the CPU kernels (a V8 flag in Node 20, which the
  // library itself never sets); RECUR_CPU_RELAXED_SIMD=0 keeps the mul + add kernels.
  if (process.env.RECUR_CPU_RELAXED_SIMD !== '0') enableRelaxedSimd();
  registerBackend(cpu());
  await useBackend('cpu');
  return 'cpu';
}
