// Run-time checks of the tensor core's public arguments for plain-JavaScript callers: tensors,
// operands (tensor or number), dtypes and the range of values an int32 tensor can hold. The
// generic checks (options objects, integers, lists) live in @recur/backend's args.ts.

import { DTypeError, ValueError, describeValue, isDType, type DType } from '@recur/backend';
import { Tensor } from './tensor.js';
import { loadedCopies } from './registry.js';

/** `value` if it is a Tensor, else a ValueError naming the op and the argument. */
export function expectTensor(op: string, name: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw new ValueError(`${op}: ${name} must be a Tensor; got ${describeForeign(value)}`);
  return value;
}

// A Tensor made by another copy of @recur/tensor fails `instanceof`; say so instead of the
// puzzling "must be a Tensor; got Tensor".
function describeForeign(value: unknown): string {
  const looksLikeTensor = typeof value === 'object' && value !== null && 'shape' in value && 'dtype' in value && 'liveStorage' in value;
  if (looksLikeTensor && loadedCopies() > 1) {
    return `a Tensor from another copy of @recur/tensor: ${loadedCopies()} copies are loaded (a duplicated install; \`npm ls @recur/tensor\` shows them, dedupe to one)`;
  }
  return describeValue(value);
}

/** A Tensor or a JavaScript number (an elementwise operand). */
export function expectOperand(op: string, name: string, value: unknown): Tensor | number {
  if (!(value instanceof Tensor) && typeof value !== 'number') {
    throw new ValueError(`${op}: ${name} must be a Tensor or a number; got ${describeForeign(value)}`);
  }
  return value;
}

/** One of the dtype names, or a DTypeError. */
export function expectDTypeName(op: string, value: unknown): DType {
  if (!isDType(value)) throw new DTypeError(`${op}: dtype must be 'float32', 'int32' or 'bool'; got ${describeValue(value)}`);
  return value;
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * A ValueError unless `value` converts to int32 without overflow: NaN, ±∞ and numbers outside
 * [-2^31, 2^31) cannot (PyTorch: "value cannot be converted to type int32 without overflow");
 * fractions truncate toward zero as in PyTorch. `where` locates the value in the input.
 */
export function checkInt32(op: string, value: number, where = ''): void {
  if (!(Math.trunc(value) >= INT32_MIN && Math.trunc(value) <= INT32_MAX)) {
    const at = where ? ` ${where}` : '';
    throw new ValueError(`${op}: value ${value}${at} cannot be converted to int32 without overflow (range ${INT32_MIN}..${INT32_MAX})`);
  }
}
