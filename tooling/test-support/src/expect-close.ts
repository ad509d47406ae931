// expectClose: actual ≈ expected element by element, for numbers, (nested) arrays, typed arrays
// and tensors (anything with `shape` and `dataSync()`, whose shapes must match too). NaN equals
// NaN, ±∞ must match exactly. The tolerance is always stated by the caller:
//   { digits: d }    |a − e| < 10^−d / 2, as vitest's toBeCloseTo
//   { atol, rtol }   |a − e| ≤ atol + rtol·|e| (numpy's allclose; either may be left out: 0)
//   (e, i) => bound  |a − e| ≤ bound(e, i), for a bound of another form

import { expect } from 'vitest';

/** The largest allowed |actual − expected| for element `index` whose reference is `expected`. */
export type Bound = (expected: number, index: number) => number;

export type Tolerance = { readonly digits: number } | { readonly atol?: number; readonly rtol?: number } | Bound;

/** A value expectClose compares: a number, (nested) arrays of numbers, or a tensor. */
export type Closeness =
  number | ArrayLike<number> | readonly Closeness[] | { readonly shape: readonly number[]; dataSync(): ArrayLike<number> };

function isTensorLike(value: Closeness): value is { readonly shape: readonly number[]; dataSync(): ArrayLike<number> } {
  return typeof value === 'object' && value !== null && 'dataSync' in value && 'shape' in value;
}

/** The values in row-major order (tensors read through dataSync). */
function flatten(value: Closeness): number[] {
  if (typeof value === 'number') return [value];
  if (isTensorLike(value)) return Array.from(value.dataSync());
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const item = (value as ArrayLike<Closeness>)[i]!;
    if (typeof item === 'number') out.push(item);
    else out.push(...flatten(item));
  }
  return out;
}

/** The tolerance as a bound, and whether the comparison is strict (`<`, for digits). */
function boundOf(tolerance: Tolerance): { readonly bound: Bound; readonly strict: boolean } {
  if (typeof tolerance === 'function') return { bound: tolerance, strict: false };
  if ('digits' in tolerance) {
    const half = 10 ** -tolerance.digits / 2;
    return { bound: () => half, strict: true };
  }
  const { atol = 0, rtol = 0 } = tolerance;
  return { bound: (expected) => atol + rtol * Math.abs(expected), strict: false };
}

/** Descriptions of the first `limit` elements outside their bound (empty when all agree). */
export function closeMismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, limit = 6): string[] {
  if (actual.length !== expected.length) return [`length ${actual.length}, expected ${expected.length}`];
  const { bound, strict } = boundOf(tolerance);
  const found: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (Number.isFinite(a) && Number.isFinite(e)) {
      const error = Math.abs(a - e);
      const allowed = bound(e, i);
      if (strict ? error < allowed : error <= allowed) continue;
    }
    count++;
    if (found.length < limit) found.push(`[${i}] got ${a}, expected ${e}`);
  }
  if (count > limit) found.push(`… ${count - limit} more`);
  return found;
}

/** Fails the test, naming the first elements that differ, unless actual ≈ expected. */
export function expectClose(actual: Closeness, expected: Closeness, tolerance: Tolerance, label = 'expectClose'): void {
  if (isTensorLike(actual) && isTensorLike(expected)) expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  expect(closeMismatches(flatten(actual), flatten(expected), tolerance), label).toEqual([]);
}
