// Optional fused kernels: none yet (the tensor core composes them from the BackendV1 kernels).

import type { FusedKernels } from '@recur/backend';
import type { KernelContext } from './context.js';
import type { TfjsBuffer } from './memory.js';

export function fusedKernels(_context: KernelContext): FusedKernels<TfjsBuffer> {
  return {};
}
