// Run-time checks of public arguments, for the callers TypeScript's types do not reach (plain
// JavaScript, options read from JSON): option objects without unknown keys, integers, booleans
// and integer lists. Each throws a ValueError naming the function, the argument, what was
// expected and what came, so `x.sum(1)` or `new Adam(p, { lrr: 0.5 })` fail instead of being ignored.

import { ValueError } from './errors.js';

/** A short description of a value for messages: 1, "1", [1,2], null, undefined, an object {a, b}. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map((v) => (typeof v === 'object' && v !== null ? '…' : describeValue(v)));
    return `[${shown.join(',')}${value.length > 8 ? ',…' : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  // Objects with their own toString (a Tensor prints its shape and dtype) describe themselves.
  if ((value as { toString?: unknown }).toString !== Object.prototype.toString) {
    try {
      const own = String(value);
      if (!own.startsWith('[object ')) return own;
    } catch {
      // A toString that throws says nothing useful; fall back to the keys.
    }
  }
  const keys = Object.keys(value as object).slice(0, 6);
  return `an object {${keys.join(', ')}}`;
}

/** Levenshtein distance, for "did you mean" hints (keys are short, so O(|a|·|b|) is nothing). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function suggestion(key: string, allowed: readonly string[]): string {
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const [a, b] = [key.toLowerCase(), candidate.toLowerCase()];
    // Case slips and names sharing a stem (keepdim, reduce for reduction) count as near.
    let common = 0;
    while (common < a.length && a[common] === b[common]) common++;
    const d = a === b ? 0 : common >= 4 ? 1 : distance(a, b);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 2)) ? ` (did you mean '${best}'?)` : '';
}

/**
 * The options object `owner` received, after checking it: undefined stands for `{}`; anything
 * else must be an object (not an array, typed array or number) whose own keys all appear in
 * `allowed`. An unknown key — a misspelling like `lrr` — is a ValueError, never ignored.
 */
export function checkOptions<T extends object>(owner: string, options: T | undefined, allowed: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options) || ArrayBuffer.isView(options)) {
    const keys = allowed.length > 0 ? `{ ${allowed.map((k) => `${k}?`).join(', ')} }` : '{}';
    throw new ValueError(`${owner}: expected an options object ${keys}; got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const known = allowed.length > 0 ? `known options: ${allowed.join(', ')}` : 'it takes no options';
      throw new ValueError(`${owner}: unknown option '${key}'${suggestion(key, allowed)}; ${known}`);
    }
  }
  return options;
}

/** An integer number (with an optional lower bound), or a ValueError. */
export function expectInteger(owner: string, name: string, value: unknown, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const bound = min === -Infinity ? '' : ` ≥ ${min}`;
    throw new ValueError(`${owner}: ${name} must be an integer${bound}; got ${describeValue(value)}`);
  }
  return value;
}

/** A number (NaN and ±∞ allowed unless `finite`), or a ValueError. */
export function expectNumber(owner: string, name: string, value: unknown, finite = false): number {
  if (typeof value !== 'number' || (finite && !Number.isFinite(value))) {
    throw new ValueError(`${owner}: ${name} must be a ${finite ? 'finite ' : ''}number; got ${describeValue(value)}`);
  }
  return value;
}

/** true or false, or a ValueError. */
export function expectBool(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${owner}: ${name} must be true or false; got ${describeValue(value)}`);
  return value;
}

/** An array of integers (a shape, a permutation, pads), or a ValueError. */
export function expectIntegerList(owner: string, name: string, value: unknown): readonly number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new ValueError(`${owner}: ${name} must be an array of integers; got ${describeValue(value)}`);
  }
  return value as readonly number[];
}

/** An integer or an array of integers (an axis or axes), or a ValueError. */
export function expectAxes(owner: string, name: string, value: unknown): number | readonly number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v))) return value;
  throw new ValueError(`${owner}: ${name} must be an integer or an array of integers; got ${describeValue(value)}`);
}
