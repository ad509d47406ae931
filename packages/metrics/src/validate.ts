// Input checks shared by the metrics: equal lengths, non-empty inputs, allowed option values.
// Each throws a typed error whose message starts with the metric's name.

import { MetricInputError, MetricOptionError, MetricShapeError } from './errors.js';

export function checkSameLength(op: string, names: readonly [string, string], a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new MetricShapeError(`${op}: ${names[0]} has ${a.length} elements, ${names[1]} has ${b.length}`);
  }
}

/**
 * An options object (undefined for none) whose keys all appear in `allowed`: a misspelt key is
 * a MetricOptionError, never ignored. The rule of @recur/backend's checkOptions, kept here
 * because @recur/metrics has no dependencies.
 */
export function checkOptionKeys(op: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MetricOptionError(
      `${op}: expected an options object { ${allowed.map((k) => `${k}?`).join(', ')} }; got ${describe(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const fold = (k: string): string => k.toLowerCase().replace(/_/g, '');
    const near = allowed.find((k) => fold(k) === fold(key));
    throw new MetricOptionError(
      `${op}: unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; known options: ${allowed.join(', ')}`,
    );
  }
}

export function checkNonEmpty(op: string, name: string, length: number): void {
  if (length === 0) throw new MetricInputError(`${op}: ${name} is empty; the metric is undefined for no samples`);
}

export function checkOneOf<T>(op: string, name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    const shown = allowed.map((v) => (v === null ? 'null' : typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
    throw new MetricOptionError(`${op}: ${name} must be one of ${shown}; got ${describe(value)}`);
  }
}

/** sklearn's zero_division: the value a ratio with a zero denominator takes (0 or 1). */
export type ZeroDivision = 0 | 1;

export function checkZeroDivision(op: string, value: unknown): ZeroDivision {
  if (value === undefined) return 0;
  checkOneOf(op, 'zeroDivision', value, [0, 1]);
  return value as ZeroDivision;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return String(value);
}
