// Argument checks shared by the optimizers, schedulers and clipping: each throws a ValueError
// that names the class, the option, where it came from, what was expected and what came.

import { Tensor, ValueError, describeValue } from '@recur/tensor';

// describeValue, not String(): a value read from a file may be an array nested thousands deep or
// an object whose own `toString` is not a function (both made String() throw).
const show = (value: unknown): string => describeValue(value);

/** `where` says which options object held the value: 'options', 'parameter group 1', … */
function fail(owner: string, name: string, where: string, expected: string, value: unknown): never {
  const place = where ? ` (${where})` : '';
  throw new ValueError(`${owner}: invalid ${name}${place}: expected ${expected}, got ${show(value)}`);
}

export function expectNonNegative(owner: string, name: string, value: unknown, where = ''): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) fail(owner, name, where, 'a finite number ≥ 0', value);
}

export function expectPositive(owner: string, name: string, value: unknown, where = ''): void {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) fail(owner, name, where, 'a finite number > 0', value);
}

export function expectPositiveInteger(owner: string, name: string, value: unknown, where = ''): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(owner, name, where, 'an integer > 0', value);
}

/** low ≤ value < high (highInclusive: ≤ high). */
export function expectInRange(
  owner: string,
  name: string,
  value: unknown,
  low: number,
  high: number,
  where = '',
  highInclusive = false,
): void {
  const ok = typeof value === 'number' && value >= low && (highInclusive ? value <= high : value < high);
  if (!ok) fail(owner, name, where, `a number with ${low} ≤ ${name} ${highInclusive ? '≤' : '<'} ${high}`, value);
}

export function expectBoolean(owner: string, name: string, value: unknown, where = ''): void {
  if (typeof value !== 'boolean') fail(owner, name, where, 'true or false', value);
}

export function expectOneOf<T extends string>(owner: string, name: string, value: unknown, allowed: readonly T[], where = ''): void {
  if (!allowed.includes(value as T)) fail(owner, name, where, `one of ${allowed.map(show).join(', ')}`, value);
}

/** An optimizer (what schedulers drive): anything else is a ValueError naming what came. */
export function expectOptimizer(owner: string, value: unknown): void {
  const groups = (value as { paramGroups?: unknown } | null | undefined)?.paramGroups;
  if (typeof value !== 'object' || value === null || !Array.isArray(groups)) {
    throw new ValueError(`${owner}: expected an optimizer (SGD, Adam, …); got ${describeValue(value)}`);
  }
}

/** Parameters as optimizers and clipping take them: a Tensor or an iterable of them (or of groups). */
export function expectParams(owner: string, value: unknown): void {
  const iterable = typeof value === 'object' && value !== null && Symbol.iterator in value;
  if (!(value instanceof Tensor) && !iterable) {
    throw new ValueError(`${owner}: expected a tensor or an iterable of parameters; got ${describeValue(value)}`);
  }
}

/** Adam's betas: a pair with 0 ≤ β < 1 each. */
export function expectBetas(owner: string, value: unknown, where = ''): void {
  if (!Array.isArray(value) || value.length !== 2) {
    fail(owner, 'betas', where, 'a pair [beta1, beta2]', value);
  }
  value.forEach((beta: unknown, i) => expectInRange(owner, `betas[${i}]`, beta, 0, 1, where));
}
