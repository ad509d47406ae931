// Helpers shared by the op files: allocation on a backend, kernel views of tensors, broadcast
// shapes, axis normalisation and the backend-agreement check. Not exported to users.

import {
  BYTES_PER_ELEMENT,
  BackendError,
  IndexError,
  ValueError,
  describeValue,
  ShapeError,
  contiguousStrides,
  fmtShape,
  sizeOf,
  type BackendV1,
  type DType,
  type View,
} from '@recur/backend';
import { backendKey, getBackend } from './registry.js';
import { Storage } from './storage.js';
import { Tensor } from './tensor.js';

/**
 * A new contiguous tensor of `shape` on `backend` (zero-filled by the backend's alloc). A size
 * the backend cannot hold (a typed array's RangeError on the CPU) is a BackendError naming the
 * shape and the bytes; `op` names the caller in that message.
 */
export function allocTensor(shape: readonly number[], dtype: DType, backend: BackendV1 = getBackend(), op = 'alloc'): Tensor {
  const size = sizeOf(shape);
  let buffer;
  try {
    if (!Number.isSafeInteger(size)) throw new RangeError(`${size} elements is beyond 2^53`);
    buffer = backend.alloc(size, dtype);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const bytes = size * BYTES_PER_ELEMENT[dtype];
    throw new BackendError(
      `${op}: cannot allocate a ${dtype} tensor of shape ${fmtShape(shape)} (${size} elements, ${bytes} bytes) on backend '${backendKey(backend)}': ${error.message}`,
    );
  }
  const storage = new Storage(backend, buffer, dtype, size);
  return new Tensor(storage, shape, contiguousStrides(shape), 0);
}

/** The kernel view of a tensor (throws if it was disposed). */
export function viewOf(t: Tensor): View {
  const storage = t.liveStorage('kernel');
  return { buffer: storage.buffer, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

/** The kernel view of `t` broadcast to `shape` (stride 0 on the broadcast axes). */
export function broadcastViewOf(t: Tensor, shape: readonly number[]): View {
  const view = viewOf(t);
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return view;
  return { ...view, shape, strides: broadcastStrides(t.shape, t.strides, shape) };
}

/** Strides of a (shape, strides) view broadcast to `target` (numpy rules, stride 0 on new axes). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const out = new Array<number>(target.length).fill(0);
  const shift = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[i + shift] = shape[i] === 1 && target[i + shift] !== 1 ? 0 : strides[i]!;
  }
  return out;
}

/** The broadcast shape of several shapes, or a ShapeError naming the op. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    const shift = rank - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i]!;
      const o = out[i + shift]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[i + shift] = d;
      else {
        throw new ShapeError(`${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together`);
      }
    }
  }
  return out;
}

/** Normalise a possibly negative axis against `rank`, or an IndexError naming the op. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (typeof axis !== 'number') throw new ValueError(`${op}: axis must be an integer; got ${describeValue(axis)}`);
  if (!Number.isInteger(axis) || axis < -Math.max(rank, 1) || axis >= Math.max(rank, 1)) {
    const lo = -Math.max(rank, 1);
    const hi = Math.max(rank, 1) - 1;
    throw new IndexError(`${op}: axis ${axis} out of range for a tensor of rank ${rank} (expected ${lo}..${hi})`);
  }
  return axis < 0 ? axis + Math.max(rank, 1) : axis;
}

/** Normalise a list of axes (undefined = all), sorted and without duplicates. */
export function normAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes !== 'number' && !Array.isArray(axes)) {
    throw new ValueError(`${op}: axis must be an integer or an array of integers; got ${describeValue(axes)}`);
  }
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normAxis(op, a, rank));
  const unique = [...new Set(out)].sort((a, b) => a - b);
  if (unique.length !== out.length) throw new IndexError(`${op}: repeated axis in ${JSON.stringify(list)}`);
  return rank === 0 ? [] : unique;
}

/**
 * The backend all operands live on (the same instance, not merely the same name), or a
 * BackendError naming the op, the backend expected (the first operand's) and the one that came.
 */
export function commonBackend(op: string, ...tensors: Tensor[]): BackendV1 {
  const first = tensors[0]!.liveStorage(op);
  for (const [i, t] of tensors.entries()) {
    const storage = t.liveStorage(op);
    if (storage.backend !== first.backend) {
      // Two instances can share a key only when at least one never went through the registry.
      const twin = storage.key === first.key ? ' (another instance of that name)' : '';
      throw new BackendError(
        `${op}: expected every operand on backend '${first.key}' (the first operand's); got operand ${i} on '${storage.key}'${twin}; ` +
          `move it with \`await t.to('${first.key}')\` (a module: \`await module.to('${first.key}')\`)`,
      );
    }
  }
  return first.backend;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
