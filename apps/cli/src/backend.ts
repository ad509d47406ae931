// Choosing the compute backend for `--backend cpu|webgpu`, through @recur/tensor's fallback
// chain (selectBackend). WebGPU is imported on demand, so the CLI runs where the `webgpu` package
// or a GPU is missing; then it falls back to the CPU with a warning that says why.

import { cpu, enableRelaxedSimd } from '@recur/backend-cpu';
import { selectBackend as firstThatStarts, type BackendPlugin } from '@recur/tensor';

export type BackendName = 'cpu' | 'webgpu';
export const BACKENDS: readonly BackendName[] = ['cpu', 'webgpu'];

/** The V8 flag dawn.node needs (see the webgpu backend's recur-node launcher). */
export const GPU_FLAG = '--single-threaded-gc';

const webgpuPlugin: BackendPlugin = {
  name: 'webgpu',
  async create() {
    // A variable specifier keeps bundlers and type checks away from the optional GPU stack.
    const specifier = '@recur/backend-webgpu';
    const module = (await import(/* @vite-ignore */ specifier)) as { webgpu?: () => BackendPlugin };
    if (typeof module.webgpu !== 'function') throw new Error(`${specifier} does not export webgpu()`);
    return module.webgpu().create();
  },
};

const cpuPlugin: BackendPlugin = {
  name: 'cpu',
  create() {
    // The CLI opts in to relaxed SIMD's FMA for the CPU kernels (a V8 flag in Node 20, which the
    // library itself never sets); RECUR_CPU_RELAXED_SIMD=0 keeps the mul + add kernels.
    if (process.env.RECUR_CPU_RELAXED_SIMD !== '0') enableRelaxedSimd();
    return cpu().create();
  },
};

/** Activate the requested backend; returns the one in use. `warn` hears about a fallback. */
export async function selectBackend(name: BackendName, warn: (message: string) => void): Promise<BackendName> {
  const { backend, skipped } = await firstThatStarts(name === 'webgpu' ? [webgpuPlugin, cpuPlugin] : [cpuPlugin]);
  for (const s of skipped) warn(`--backend ${s.name} is unavailable here (${s.reason}); falling back to ${backend.name}`);
  return backend.name as BackendName;
}
