// The extension surface for packages that add ops with their own kernels and VJPs (fused
// RNN cells, optimizer steps): allocate outputs, hand views to a backend kernel, attach a VJP.

import type { BackendV1, DType, View } from '@recur/backend';
import { allocTensor, commonBackend, viewOf } from './internal.js';
import type { Tensor } from './tensor.js';

/** A new zero-filled contiguous tensor on `backend` (default: the operands' or active one). */
export function empty(shape: readonly number[], dtype: DType, backend?: BackendV1): Tensor {
  return allocTensor(shape, dtype, backend);
}

/** The strided kernel view of a tensor, for a backend call. */
export function kernelView(t: Tensor): View {
  return viewOf(t);
}

/** The backend all tensors live on, or a BackendError naming `op`. */
export function backendOf(op: string, ...tensors: Tensor[]): BackendV1 {
  return commonBackend(op, ...tensors);
}
