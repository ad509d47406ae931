// createDefault(): register the CPU backend and, when an adapter exists, WebGPU; activate the
// best one through @recur/tensor's fallback chain (selectBackend). A missing or failing GPU
// falls back to the CPU: with a one-line warning in a browser, quietly in Node unless `warn` is given.

import { cpu } from '@recur/backend-cpu';
import { checkOptions, selectBackend, type BackendPlugin, type BackendV1, type SkippedBackend } from '@recur/tensor';

export interface DefaultOptions {
  /** Try WebGPU first (default true). */
  readonly webgpu?: boolean;
  /**
   * Where the fallback warning goes. Default: console.warn in a browser, nothing in Node (where
   * a missing GPU is the usual case); null silences it everywhere.
   */
  readonly warn?: ((message: string) => void) | null;
}

export interface DefaultSetup {
  readonly backend: BackendV1;
  /** Why WebGPU was not used, when it was wanted and is not. */
  readonly fallbackReason?: string;
  /** Every backend tried before the one in use, with why it was skipped. */
  readonly skipped: readonly SkippedBackend[];
}

/** WebGPU, imported only when tried, so a missing `webgpu` package or GPU costs nothing. */
const lazyWebGPU: BackendPlugin = {
  name: 'webgpu',
  async create() {
    const { webgpu } = await import('@recur/backend-webgpu');
    return webgpu().create();
  },
};

const inNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

export async function createDefault(options: DefaultOptions = {}): Promise<DefaultSetup> {
  checkOptions('createDefault', options, ['webgpu', 'warn']);
  const chain = options.webgpu === false ? [cpu()] : [lazyWebGPU, cpu()];
  const { backend, skipped } = await selectBackend(chain);
  const gpu = skipped.find((s) => s.name === 'webgpu');
  if (!gpu) return { backend, skipped };
  const warn = options.warn === undefined ? (inNode ? null : console.warn) : options.warn;
  warn?.(`recur: WebGPU unavailable (${gpu.reason}); using the CPU backend`);
  return { backend, fallbackReason: gpu.reason, skipped };
}
