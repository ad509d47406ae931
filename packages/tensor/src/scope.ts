// Deterministic memory: `scope(fn)` disposes every tensor made inside fn except those it
// returns (moved to the enclosing scope) and those passed to `keep()`. Like tfjs `tidy`, but
// a Promise result is an error: tensors made after an await would escape the scope.

import { ValueError, describeValue } from '@recur/backend';
import { engine, type Frame } from './engine.js';
import { Tensor } from './tensor.js';

function expectFunction(op: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new ValueError(`${op}: expected a function to run; got ${describeValue(fn)}`);
}

function collect(value: unknown, out: Set<Tensor>, seen: Set<unknown>): void {
  if (value instanceof Tensor) {
    out.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) collect(item, out, seen);
  } else if (value instanceof Map) {
    for (const item of value.values()) collect(item, out, seen);
  } else if (!ArrayBuffer.isView(value)) {
    // Plain objects and class instances (a PackedSequence holds its data tensor).
    for (const item of Object.values(value)) collect(item, out, seen);
  }
}

export function scope<T>(fn: () => T): T {
  expectFunction('scope', fn);
  const frame: Frame = { tensors: new Set() };
  engine.frames.push(frame);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    engine.frames.pop();
    for (const t of frame.tensors) t.dispose();
    throw error;
  }
  engine.frames.pop();
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    for (const t of frame.tensors) t.dispose();
    throw new ValueError('scope: fn returned a Promise; scopes are synchronous (await outside the scope, or keep() what must survive)');
  }
  const returned = new Set<Tensor>();
  collect(result, returned, new Set());
  const parent = engine.frames[engine.frames.length - 1];
  for (const t of frame.tensors) {
    if (returned.has(t)) {
      t.frame = parent ?? null;
      parent?.tensors.add(t);
    } else {
      t.dispose();
    }
  }
  return result;
}

/** Exempt a tensor from every enclosing scope; it lives until `dispose()`. Returns it. */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new ValueError(`keep: expected a Tensor; got ${describeValue(t)}`);
  t.frame?.tensors.delete(t);
  t.frame = null;
  return t;
}

/** Run fn with gradient recording off (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  expectFunction('noGrad', fn);
  const previous = engine.gradEnabled;
  engine.gradEnabled = false;
  try {
    return fn();
  } finally {
    engine.gradEnabled = previous;
  }
}

/** Run fn with gradient recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  expectFunction('enableGrad', fn);
  const previous = engine.gradEnabled;
  engine.gradEnabled = true;
  try {
    return fn();
  } finally {
    engine.gradEnabled = previous;
  }
}

export function isGradEnabled(): boolean {
  return engine.gradEnabled;
}
