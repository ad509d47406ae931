// Errors across the worker boundary. Structured clone keeps only the built-in error classes, so a
// ValueError or NonFiniteError thrown in the worker would reach the page as a plain Error: it
// crosses as { name, message, fields } and is rebuilt here as the same class, with the same
// fields (step, epoch, batch, tensor …) and the worker's stack appended to the page's.

import {
  BackendError,
  DTypeError,
  DisposedError,
  FormatError,
  GradError,
  IndexError,
  RecurError,
  ShapeError,
  ValueError,
} from '@recur/backend';
import { NonFiniteError } from '../fit/non-finite.js';
import type { WireError } from './protocol.js';

/** The worker failed as a whole: its script did not load, it threw outside fit, or it exited. */
export class WorkerError extends RecurError {
  constructor(message: string, cause?: unknown) {
    super(message);
    if (cause !== undefined) this.cause = cause;
  }
}

type ErrorClass = new (message: string) => Error;

const TYPED: Readonly<Record<string, ErrorClass>> = {
  RecurError,
  ShapeError,
  DTypeError,
  IndexError,
  BackendError,
  GradError,
  DisposedError,
  FormatError,
  ValueError,
  WorkerError,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

export function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) {
    // DOMException (an abort's reason) is no Error subclass in every host; keep its name.
    const named = error as { name?: unknown; message?: unknown } | null;
    if (named && typeof named.name === 'string' && typeof named.message === 'string') {
      return { name: named.name, message: named.message, recur: false, fields: {} };
    }
    return { name: 'Error', message: String(error), recur: false, fields: {} };
  }
  const fields: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'name' || key === 'message' || key === 'stack') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value as string | number | boolean | null;
  }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack !== undefined ? { stack: error.stack } : {}),
    recur: error instanceof RecurError,
    fields,
  };
}

/** The same class as in the worker where it is known here; a RecurError or Error of that name otherwise. */
export function fromWire(wire: WireError): Error {
  let error: Error;
  if (wire.name === 'NonFiniteError') {
    const f = wire.fields;
    error = new NonFiniteError(String(f.tensor), Number(f.step), Number(f.epoch), Number(f.batch), Number(f.value));
    // The constructor composes the message; keep the worker's, word for word.
    error.message = wire.message;
  } else {
    const Class = TYPED[wire.name] ?? (wire.recur ? RecurError : Error);
    error = new Class(wire.message);
    if (error.name !== wire.name) Object.defineProperty(error, 'name', { value: wire.name, configurable: true, writable: true });
    Object.assign(error, wire.fields);
  }
  if (wire.stack !== undefined) error.stack = `${error.stack ?? `${wire.name}: ${wire.message}`}\n    — in the worker —\n${wire.stack}`;
  return error;
}
