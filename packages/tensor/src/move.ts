// Moving tensors between backends. `await t.to('cpu')` makes a copy on another backend;
// `moveInPlace(t, backend)` gives the same handle new memory there (what Module.to and
// Optimizer.to use, so references held elsewhere — an optimizer's parameters — stay valid).
// Both are async: reading a GPU buffer is. A move is not recorded in the autograd graph
// (backward is synchronous and could not read a WebGPU gradient back): the copy is a leaf
// that carries `requiresGrad`, like PyTorch's `t.detach().to(d).requires_grad_(t.requires_grad)`.

import { GradError, ValueError, describeValue, type BackendV1 } from '@recur/backend';
import { allocTensor, viewOf } from './internal.js';
import { loadBackend } from './registry.js';
import { Storage } from './storage.js';
import type { Tensor } from './tensor.js';

/** Where to move: a backend instance, or the name of a registered one (created on first use, not activated). */
export type BackendTarget = BackendV1 | string;

/** The backend a target names, created if it is registered but not yet created. */
export async function resolveTarget(op: string, target: BackendTarget): Promise<BackendV1> {
  if (typeof target === 'string' && target !== '') return loadBackend(target);
  if (typeof target === 'object' && target !== null && 'alloc' in target && typeof target.name === 'string') return target;
  throw new ValueError(`${op}: expected a backend instance or the name of a registered backend; got ${describeValue(target)}`);
}

/**
 * A new tensor on `target` with the same shape, dtype and values (contiguous). On the backend it
 * already lives on, a new handle sharing its memory. Never the same handle, so disposing one
 * never frees the other.
 */
export async function toBackend(t: Tensor, target: BackendTarget): Promise<Tensor> {
  const source = t.liveStorage('to').backend;
  const backend = await resolveTarget('to', target);
  let out: Tensor;
  if (backend === source) {
    out = t.detach();
  } else {
    const values = await t.data();
    out = allocTensor(t.shape, t.dtype, backend, 'to');
    if (values.length > 0) backend.write(viewOf(out).buffer, values, 0);
  }
  if (t.requiresGrad) out.requiresGrad = true;
  return out;
}

/**
 * Give leaf tensor `t` (and its `.grad`) new memory on `target`, keeping shape, strides and
 * offset; the old memory is released. Views taken earlier keep the old memory.
 */
export async function moveInPlace(t: Tensor, target: BackendTarget): Promise<void> {
  const old = t.liveStorage('moveInPlace');
  if (t.gradFn) {
    throw new GradError('moveInPlace: only a leaf tensor can move in place (this one was computed by an op); use await t.to(backend)');
  }
  const backend = await resolveTarget('moveInPlace', target);
  if (t.grad) await moveInPlace(t.grad, backend);
  if (old.backend === backend) return;
  const values = await old.backend.read(old.buffer, 0, old.size);
  if (t.liveStorage('moveInPlace') !== old) {
    throw new GradError(
      `moveInPlace: tensor #${t.id} was moved or replaced while its values were being read; await one move before starting another`,
    );
  }
  const buffer = backend.alloc(old.size, old.dtype);
  if (old.size > 0) backend.write(buffer, values, 0);
  t.swapStorage(new Storage(backend, buffer, old.dtype, old.size));
}
