// The JSON state inside a checkpoint ({ version, hasModel, optimizer, scheduler, generator,
// extra }), checked as a whole before any live object is touched: types, the generator's key
// and counter, tensor references, special numbers, and a bounded depth (the restore recurses).

import { FormatError, Generator, type Tensor } from '@recur/tensor';

export const CHECKPOINT_VERSION = 1;

/** Optimizer and scheduler states nest a few levels (SequentialLR: about 6); deeper is not ours. */
export const MAX_STATE_DEPTH = 32;

export interface CheckpointState {
  readonly hasModel: boolean;
  readonly optimizer: unknown;
  readonly scheduler: unknown;
  readonly generator: { key: [number, number]; counter: number };
  readonly extra: unknown;
}

const SPECIAL_NUMBERS: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** What a value is, for messages, without printing a structure of unknown depth. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Walk a saved optimizer or scheduler state without recursion: at most MAX_STATE_DEPTH levels,
 * every `{ $tensor }` naming a tensor of the file, every `{ $number }` a special number.
 */
function checkTree(root: unknown, rootPath: string, tensors: Readonly<Record<string, Tensor>>, source: string): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_STATE_DEPTH) throw new FormatError(`${source}: ${path} is nested deeper than ${MAX_STATE_DEPTH} levels`);
    if (isRecord(value) && Object.hasOwn(value, '$tensor')) {
      const name = value.$tensor;
      if (typeof name !== 'string' || Object.keys(value).length !== 1) {
        throw new FormatError(`${source}: ${path} must be a tensor reference { $tensor: "<key>" }; got $tensor ${kindOf(name)}`);
      }
      if (!Object.hasOwn(tensors, name))
        throw new FormatError(`${source}: tensor '${name}' is referenced by the state but missing from the file`);
      continue;
    }
    if (isRecord(value) && Object.hasOwn(value, '$number')) {
      const text = value.$number;
      if (typeof text !== 'string' || !Object.hasOwn(SPECIAL_NUMBERS, text) || Object.keys(value).length !== 1) {
        throw new FormatError(`${source}: ${path} must be { $number: "NaN" | "Infinity" | "-Infinity" }; got $number ${kindOf(text)}`);
      }
      continue;
    }
    const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : Object.entries(value);
    for (const [key, item] of entries) stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
  }
}

/** Parse and check the state JSON of a checkpoint; every defect is a FormatError naming `source`. */
export function readCheckpointState(text: string, tensors: Readonly<Record<string, Tensor>>, source: string): CheckpointState {
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${source}: checkpoint metadata is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(state)) throw new FormatError(`${source}: checkpoint metadata must be a JSON object; got ${kindOf(state)}`);
  if (state.version !== CHECKPOINT_VERSION) {
    throw new FormatError(`${source}: checkpoint version ${kindOf(state.version)}, expected ${CHECKPOINT_VERSION}`);
  }
  if (typeof state.hasModel !== 'boolean')
    throw new FormatError(`${source}: hasModel must be true or false; got ${kindOf(state.hasModel)}`);
  for (const part of ['optimizer', 'scheduler'] as const) {
    const value = state[part];
    if (value !== null && !isRecord(value))
      throw new FormatError(`${source}: ${part} must be a state object or null; got ${kindOf(value)}`);
    checkTree(value, part, tensors, source);
  }
  if (!Object.hasOwn(state, 'generator')) throw new FormatError(`${source}: the checkpoint has no generator state`);
  try {
    Generator.checkState(state.generator);
  } catch (error) {
    throw new FormatError(`${source}: generator: ${(error as Error).message}`);
  }
  return {
    hasModel: state.hasModel,
    optimizer: state.optimizer,
    scheduler: state.scheduler,
    generator: state.generator as CheckpointState['generator'],
    extra: Object.hasOwn(state, 'extra') ? state.extra : null,
  };
}

/** Turn a checked state back into values: references become the loaded tensors, `$number`s numbers. */
export function restore(value: unknown, tensors: Readonly<Record<string, Tensor>>): unknown {
  if (Array.isArray(value)) return value.map((item) => restore(item, tensors));
  if (!isRecord(value)) return value;
  if (Object.hasOwn(value, '$tensor')) return tensors[value.$tensor as string];
  if (Object.hasOwn(value, '$number')) return SPECIAL_NUMBERS[value.$number as string];
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // An own `__proto__` key (JSON.parse makes one) stays a plain key, not the prototype.
    Object.defineProperty(out, key, { value: restore(item, tensors), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
