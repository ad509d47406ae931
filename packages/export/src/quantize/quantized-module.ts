// What every quantised module shares: its storage dtype, its compressed weights by state-dict
// name (what a whole-model file stores as I8 + F32 scales or as F16), and construction that
// leaves the global random stream untouched (the float base class draws an init it then drops).

import { ValueError } from '@recur/backend';
import { defaultGenerator } from '@recur/tensor';
import type { Module } from '@recur/cells';
import { QuantizedWeight, type QuantizedDType } from './quantized-weight.js';

export interface QuantizedModule {
  /** How the weights are stored: 'int8' (per-row scales) or 'float16'. */
  readonly weightDType: QuantizedDType;
  /** The compressed weights by their own state-dict name ('weight', 'weight_ih_l0', …). */
  quantizedWeights(): ReadonlyMap<string, QuantizedWeight>;
  /** Replace the compressed weight `name` (same shape and dtype), e.g. from a file. */
  setQuantizedWeight(name: string, weight: QuantizedWeight): void;
}

export function isQuantizedModule(module: unknown): module is Module & QuantizedModule {
  return typeof (module as Partial<QuantizedModule> | null)?.quantizedWeights === 'function';
}

export function checkDType(where: string, dtype: unknown): QuantizedDType {
  if (dtype === undefined) return 'int8';
  if (dtype !== 'int8' && dtype !== 'float16') {
    throw new ValueError(`${where}: dtype must be 'int8' or 'float16'; got ${typeof dtype === 'string' ? `'${dtype}'` : typeof dtype}`);
  }
  return dtype;
}

/** A zero weight of `shape` in `dtype` (filled later from a module or a file). */
export function zeroWeight(dtype: QuantizedDType, rows: number, cols: number): QuantizedWeight {
  return dtype === 'int8'
    ? new QuantizedWeight('int8', [rows, cols], new Int8Array(rows * cols), new Float32Array(rows))
    : new QuantizedWeight('float16', [rows, cols], new Uint16Array(rows * cols), null);
}

// Generator states held across a float base-class constructor (which draws an init the twin
// drops): `super(holdRandomState(options))`, then `releaseRandomState()` puts the stream back.
const heldStates: ReturnType<typeof defaultGenerator.getState>[] = [];

export function holdRandomState<T>(options: T): T {
  heldStates.push(defaultGenerator.getState());
  return options;
}

export function releaseRandomState(): void {
  const state = heldStates.pop();
  if (state) defaultGenerator.setState(state);
}

/** Checks a replacement weight against the current one. */
export function checkReplacement(where: string, name: string, current: QuantizedWeight | undefined, next: QuantizedWeight): void {
  if (!current) throw new ValueError(`${where}: no quantised weight named '${name}'`);
  if (
    !(next instanceof QuantizedWeight) ||
    next.dtype !== current.dtype ||
    next.shape[0] !== current.shape[0] ||
    next.shape[1] !== current.shape[1]
  ) {
    throw new ValueError(
      `${where}: '${name}' expected a ${current.dtype} weight [${current.shape.join(', ')}]; got ${next instanceof QuantizedWeight ? `${next.dtype} [${next.shape.join(', ')}]` : typeof next}`,
    );
  }
}
