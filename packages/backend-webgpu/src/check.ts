// The view check every kernel runs before recording work: a live buffer of this backend, then
// @recur/backend's checks (dtype, shape, inside the buffer), whose expect* helpers are
// re-exported here for the kernels; and whether an output covers its whole buffer.

import { checkView, isContiguous, sizeOf, type View } from '@recur/backend';
import type { GpuBufferHandle, GpuMemory, WebGPUBuffer } from './memory.js';

export type GpuView = View<WebGPUBuffer>;

/** The live handle behind `view`, after checking that the view fits inside it. */
export function viewHandle(memory: GpuMemory, op: string, name: string, view: GpuView): GpuBufferHandle {
  const handle = memory.own(view.buffer, op);
  checkView(op, name, view, view.buffer.size);
  return handle;
}

export { expectAxis, expectDType, expectSameDType, expectSameShape } from '@recur/backend';

/**
 * Whether `view` is its whole buffer in row-major order. A kernel writing every element of such
 * an output never shows the buffer's old contents, so a recycled buffer need not be zeroed first.
 */
export function coversBuffer(view: GpuView): boolean {
  return view.offset === 0 && sizeOf(view.shape) === view.buffer.size && isContiguous(view.shape, view.strides);
}
