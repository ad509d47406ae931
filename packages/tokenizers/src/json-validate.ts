// Helpers that read untrusted JSON and throw FormatError naming the file, the JSON path and what
// was expected versus what came, e.g. `vocab.json: tokens[3] must be a string, got 42`.

import { FormatError } from './errors.js';

/** Where a value sits: the file's name for messages and the JSON path inside it. */
export interface JsonLocation {
  readonly source: string;
  readonly path: string;
}

/** A short rendering of a value for messages; `undefined` reads as "nothing". */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Join a key onto a path: `model` + `vocab` → `model.vocab`, odd keys quoted: `vocab["a b"]`. */
export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Throw the standard "must be X, got Y" error for a location. */
export function fail(at: JsonLocation, expected: string, got: unknown): never {
  const subject = at.path === '' ? 'the top level' : at.path;
  throw new FormatError(`${at.source}: ${subject} must be ${expected}, got ${describe(got)}`);
}

export function at(source: string, path: string): JsonLocation {
  return { source, path };
}

export function expectObject(value: unknown, where: JsonLocation): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(where, 'an object', value);
  }
  return value as Record<string, unknown>;
}

export function expectArray(value: unknown, where: JsonLocation): unknown[] {
  if (!Array.isArray(value)) fail(where, 'an array', value);
  return value;
}

export function expectString(value: unknown, where: JsonLocation): string {
  if (typeof value !== 'string') fail(where, 'a string', value);
  return value;
}

export function expectBoolean(value: unknown, where: JsonLocation): boolean {
  if (typeof value !== 'boolean') fail(where, 'true or false', value);
  return value;
}

/** A non-negative integer below 2^31 (ids travel in Int32Array). */
export function expectId(value: unknown, where: JsonLocation): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    fail(where, 'a non-negative integer id', value);
  }
  return value;
}

/** Read `object[key]` with its location, for chaining validators. */
export function field(
  object: Record<string, unknown>,
  key: string,
  parent: JsonLocation,
): [unknown, JsonLocation] {
  return [object[key], at(parent.source, child(parent.path, key))];
}
