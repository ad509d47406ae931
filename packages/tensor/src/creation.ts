// Tensor creation: from nested arrays and typed arrays, and the constant and range factories
// (zeros, ones, full, arange, linspace, eye). Random factories live in random.ts.

import {
  BYTES_PER_ELEMENT,
  BackendError,
  DTypeError,
  ShapeError,
  ValueError,
  checkOptions,
  describeValue,
  dtypeOfArray,
  expectBool,
  expectIntegerList,
  expectNumber,
  fmtShape,
  sizeOf,
  typedArrayFor,
  type AnyTypedArray,
  type BackendV1,
  type DType,
} from '@recur/backend';
import { findBackend, getBackend } from './registry.js';
import { allocTensor, viewOf } from './internal.js';
import { checkInt32, expectDTypeName, expectTensor } from './args.js';
import type { NestedArray, Tensor } from './tensor.js';

export interface CreateOptions {
  readonly dtype?: DType;
  /** A backend instance or the name of an already-created one; default: the active backend. */
  readonly backend?: BackendV1 | string;
  readonly requiresGrad?: boolean;
}

/** The option keys every creation function takes (random ones add `generator`, tensor `shape`). */
export const CREATE_OPTION_KEYS = ['dtype', 'backend', 'requiresGrad'] as const;

/** `options` after checking its keys and the types of dtype and requiresGrad. */
export function checkCreateOptions<T extends CreateOptions>(op: string, options: T | undefined, extra: readonly string[] = []): T {
  const checked = checkOptions(op, options, [...CREATE_OPTION_KEYS, ...extra]);
  if (checked.dtype !== undefined) expectDTypeName(op, checked.dtype);
  if (checked.requiresGrad !== undefined) expectBool(op, 'requiresGrad', checked.requiresGrad);
  const backend = checked.backend as unknown;
  if (backend !== undefined && typeof backend !== 'string' && (typeof backend !== 'object' || backend === null || !('alloc' in backend))) {
    throw new ValueError(`${op}: backend must be a backend instance or the name of one; got ${describeValue(backend)}`);
  }
  return checked;
}

export function resolveBackend(backend: BackendV1 | string | undefined): BackendV1 {
  if (backend === undefined) return getBackend();
  if (typeof backend !== 'string') return backend;
  const found = findBackend(backend);
  if (!found) throw new BackendError(`backend '${backend}' has not been created yet; await useBackend('${backend}') first`);
  return found;
}

export function checkShape(op: string, shape: readonly number[]): void {
  // Not a list of numbers at all is a wrong argument; a list of bad sizes is a bad shape.
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number')) expectIntegerList(op, 'shape', shape);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: shape ${fmtShape(shape)} must hold non-negative integers`);
    }
  }
}

function finish(t: Tensor, options: CreateOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * `values` as a typed array of `dtype`, converted as PyTorch converts: int32 truncates toward
 * zero and rejects what would overflow (NaN, ±∞, beyond ±2^31), bool is `value != 0`.
 */
export function convertValues(op: string, values: ArrayLike<number>, dtype: DType): AnyTypedArray {
  const out = hostArray(op, dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (dtype === 'int32') checkInt32(op, value, values.length > 1 ? `at flat index ${i}` : '');
    out[i] = dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  }
  return out;
}

/** A zeroed typed array, or a BackendError naming the size when the host cannot hold it. */
export function hostArray(op: string, dtype: DType, count: number): AnyTypedArray {
  try {
    return typedArrayFor(dtype, count);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const bytes = count * BYTES_PER_ELEMENT[dtype];
    throw new BackendError(`${op}: cannot allocate ${count} ${dtype} elements on the host (${bytes} bytes): ${error.message}`);
  }
}

/** A tensor holding `values` (row-major) with `shape`. */
export function fromTypedArray(values: AnyTypedArray, shape: readonly number[], options: CreateOptions = {}): Tensor {
  checkCreateOptions('tensor', options, ['shape']);
  checkShape('tensor', shape);
  if (!ArrayBuffer.isView(values)) throw new DTypeError(`tensor: expected a typed array; got ${describeValue(values)}`);
  if (sizeOf(shape) !== values.length) {
    throw new ShapeError(`tensor: ${values.length} values cannot fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`);
  }
  const source = dtypeOfArray(values);
  const dtype = options.dtype ?? source ?? 'float32';
  // A Uint8Array is read as bool, so its values pass through the != 0 conversion too.
  const data = source === dtype && dtype !== 'bool' ? values : convertValues('tensor', values, dtype);
  const t = allocTensor(shape, dtype, resolveBackend(options.backend));
  if (data.length > 0) t.liveStorage('tensor').backend.write(viewOf(t).buffer, data, 0);
  return finish(t, options);
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0]!;
  }
  return shape;
}

function flatten(data: NestedArray, shape: readonly number[], out: number[], depth: number, path: number[]): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new ShapeError(`tensor: ragged nested array at index [${path.join(',')}]: expected a number`);
    if (typeof data === 'boolean') out.push(data ? 1 : 0);
    else if (typeof data === 'number') out.push(data);
    else throw new DTypeError(`tensor: expected numbers or booleans at index [${path.join(',')}]; got ${typeof data}`);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    const got = Array.isArray(data) ? `length ${data.length}` : 'a number';
    throw new ShapeError(`tensor: ragged nested array at index [${path.join(',')}]: expected length ${shape[depth]}, got ${got}`);
  }
  for (let i = 0; i < data.length; i++) flatten(data[i]!, shape, out, depth + 1, [...path, i]);
}

function firstLeaf(data: NestedArray): unknown {
  let level: NestedArray = data;
  while (Array.isArray(level) && level.length > 0) level = level[0]!;
  return level;
}

/**
 * A tensor from nested arrays, a typed array (with `shape`, default 1-D) or a number.
 * dtype defaults to float32, bool for booleans, or the typed array's own.
 */
export function tensor(data: NestedArray | AnyTypedArray, options: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  checkCreateOptions('tensor', options, ['shape']);
  if (ArrayBuffer.isView(data)) return fromTypedArray(data, options.shape ?? [data.length], options);
  const shape = inferShape(data);
  const flat: number[] = [];
  flatten(data, shape, flat, 0, []);
  const dtype = options.dtype ?? (typeof firstLeaf(data) === 'boolean' ? 'bool' : 'float32');
  const values = convertValues('tensor', flat, dtype);
  return fromTypedArray(values, options.shape ?? shape, { ...options, dtype });
}

/** A 0-d tensor. */
export function scalar(value: number | boolean, options: CreateOptions = {}): Tensor {
  return tensor(value as NestedArray, options);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number | boolean, options: CreateOptions = {}): Tensor {
  return fullOf('full', shape, value, options);
}

function fullOf(op: string, shape: readonly number[], value: number | boolean, options: CreateOptions): Tensor {
  checkCreateOptions(op, options);
  checkShape(op, shape);
  if (typeof value !== 'boolean') expectNumber(op, 'value', value);
  const dtype = options.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  let numeric = typeof value === 'boolean' ? Number(value) : value;
  if (dtype === 'int32') checkInt32(op, numeric);
  if (dtype === 'bool') numeric = numeric !== 0 ? 1 : 0;
  const t = allocTensor(shape, dtype, resolveBackend(options.backend), op);
  if (numeric !== 0 && t.size > 0) t.liveStorage('full').backend.fill(viewOf(t), numeric);
  return finish(t, options);
}

export const zeros = (shape: readonly number[], options: CreateOptions = {}): Tensor => fullOf('zeros', shape, 0, options);
export const ones = (shape: readonly number[], options: CreateOptions = {}): Tensor => fullOf('ones', shape, 1, options);

/** A tensor shaped like `like`, on its backend, filled with `value` (same dtype unless given). */
export function fullLike(like: Tensor, value: number, options: CreateOptions = {}): Tensor {
  expectTensor('fullLike', 'like', like);
  return full(like.shape, value, {
    dtype: like.dtype,
    backend: like.liveStorage('fullLike').backend,
    ...options,
  });
}
export const zerosLike = (like: Tensor, options: CreateOptions = {}): Tensor => fullLike(like, 0, options);
export const onesLike = (like: Tensor, options: CreateOptions = {}): Tensor => fullLike(like, 1, options);

/** Values start, start+step, … below end (PyTorch's arange); int32 when all arguments are integers. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  checkCreateOptions('arange', options);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  expectNumber('arange', 'start', start, true);
  expectNumber('arange', 'end', end, true);
  if (typeof step !== 'number' || step === 0 || !Number.isFinite(step)) {
    throw new ValueError(`arange: step must be a non-zero finite number; got ${describeValue(step)}`);
  }
  const count = Math.max(0, Math.ceil((end - start) / step));
  const integral = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = options.dtype ?? (integral ? 'int32' : 'float32');
  const out = hostArray('arange', dtype, count);
  for (let i = 0; i < count; i++) {
    const value = start + i * step;
    if (dtype === 'int32') checkInt32('arange', value);
    out[i] = dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  }
  return fromTypedArray(out, [count], { ...options, dtype });
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  checkCreateOptions('linspace', options);
  expectNumber('linspace', 'start', start, true);
  expectNumber('linspace', 'end', end, true);
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) {
    throw new ValueError(`linspace: steps must be a non-negative integer; got ${describeValue(steps)}`);
  }
  const values = hostArray('linspace', 'float32', steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) values[i] = start + i * delta;
  return fromTypedArray(values, [steps], options);
}

/** An n×m matrix with ones on the diagonal. */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  checkCreateOptions('eye', options);
  checkShape('eye', [n, m]);
  const dtype = options.dtype ?? 'float32';
  const values = hostArray('eye', dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fromTypedArray(values, [n, m], { ...options, dtype });
}
