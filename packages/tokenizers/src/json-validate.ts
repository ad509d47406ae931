// Helpers that read untrusted JSON and throw FormatError naming the file, the JSON path and what
// was expected versus what came, e.g. `vocab.json: tokens[3] must be a string, got 42`.

import { FormatError } from './errors.js';

/** Where a value sits: the file's name for messages and the JSON path inside it. */
export interface JsonLocation {
  readonly source: string;
  readonly path: string;
}

/**
 * A short rendering of a value for messages; `undefined` reads as "nothing". The walk is
 * iterative and stops after 60 characters, so a value nested thousands of levels deep (a 10 KB
 * file can hold one) or a huge one costs no more than a small one.
 */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const limit = 60;
  let text = '';
  // Pending pieces, last first: literal text or a value still to render.
  const stack: ({ text: string } | { value: unknown })[] = [{ value }];
  while (stack.length > 0 && text.length <= limit) {
    const item = stack.pop()!;
    if ('text' in item) {
      text += item.text;
      continue;
    }
    const current = item.value;
    if (Array.isArray(current)) {
      stack.push({ text: ']' });
      for (let i = Math.min(current.length, limit) - 1; i >= 0; i--) {
        stack.push({ value: current[i] });
        if (i > 0) stack.push({ text: ',' });
      }
      text += '[';
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current).slice(0, limit);
      stack.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (current as Record<string, unknown>)[keys[i]!] });
        stack.push({ text: `${JSON.stringify(keys[i])}:` });
        if (i > 0) stack.push({ text: ',' });
      }
      text += '{';
    } else if (typeof current === 'string') {
      text += JSON.stringify(current.length > limit ? current.slice(0, limit) : current);
    } else {
      text += current === undefined ? 'null' : String(current);
    }
  }
  return text.length > limit || stack.length > 0 ? `${text.slice(0, limit - 3)}...` : text;
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
export function field(object: Record<string, unknown>, key: string, parent: JsonLocation): [unknown, JsonLocation] {
  return [object[key], at(parent.source, child(parent.path, key))];
}
