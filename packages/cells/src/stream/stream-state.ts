// The carried state of a recurrent stream and its per-row edits. A state is one tensor (RNN,
// GRU: h [L·D, B, H]) or a tuple of them (LSTM: [h, c]); every tensor has the batch B on axis 1,
// PyTorch's h_n layout, so row b of every tensor is stream b.

import { backendOf, IndexError, ShapeError, Tensor, ValueError, concat, fmtShape, indexSelect, tensor, where } from '@recur/tensor';

/** One tensor (RNN, GRU) or a tuple (LSTM's [h, c]); batch on axis 1 of each. */
export type RecurrentState = Tensor | readonly Tensor[];

/** The state's tensors in order, whatever its structure. */
export function stateTensors(state: RecurrentState): readonly Tensor[] {
  return state instanceof Tensor ? [state] : state;
}

/** Rebuild a state of `like`'s structure (single tensor or tuple) from `tensors`. */
export function sameStructure<S extends RecurrentState>(like: S, tensors: readonly Tensor[]): S {
  return (like instanceof Tensor ? tensors[0]! : [...tensors]) as unknown as S;
}

/** Throws unless `given` has `expected`'s structure and shapes ("what was expected and what came"). */
export function checkState(where: string, expected: readonly Tensor[], given: RecurrentState, single: boolean): readonly Tensor[] {
  if (single && !(given instanceof Tensor)) {
    throw new ShapeError(`${where}: expected one state tensor ${fmtShape(expected[0]!.shape)}; got ${describe(given)}`);
  }
  const list = given instanceof Tensor ? [given] : Array.isArray(given) ? (given as readonly unknown[]) : null;
  if (!list || list.length !== expected.length || (!single && given instanceof Tensor)) {
    throw new ShapeError(
      `${where}: expected ${expected.length} state tensors [${expected.map((t) => fmtShape(t.shape)).join(', ')}]; got ${describe(given)}`,
    );
  }
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`${where}: state tensor ${i} is not a Tensor; got ${typeof t}`);
    const want = expected[i]!;
    if (t.rank !== want.rank || t.shape.some((d, k) => d !== want.shape[k])) {
      throw new ShapeError(`${where}: state tensor ${i} must have shape ${fmtShape(want.shape)}; got ${fmtShape(t.shape)}`);
    }
    if (t.dtype !== want.dtype) throw new ValueError(`${where}: state tensor ${i} must be ${want.dtype}; got ${t.dtype}`);
  });
  return list as readonly Tensor[];
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `one tensor ${fmtShape(value.shape)}`;
  if (Array.isArray(value))
    return `${value.length} values [${value.map((v) => (v instanceof Tensor ? fmtShape(v.shape) : typeof v)).join(', ')}]`;
  return typeof value;
}

/** Row indices checked against `batch`: integers in range, each at most once. */
export function checkRows(where: string, rows: readonly number[], batch: number): readonly number[] {
  if (!Array.isArray(rows)) throw new ValueError(`${where}: rows must be an array of row indices; got ${typeof rows}`);
  const seen = new Set<number>();
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= batch) {
      throw new IndexError(`${where}: row ${String(r)} is out of range for ${batch} streams (expected an integer in [0, ${batch}))`);
    }
    if (seen.has(r)) throw new ValueError(`${where}: row ${r} is listed twice`);
    seen.add(r);
  }
  return rows;
}

/**
 * `state` with the listed rows replaced by the rows of `values` (values row k → state row
 * rows[k]). Pure copies through `where`, so untouched rows stay bit for bit what they were.
 */
export function writeRows(state: Tensor, rows: readonly number[], values: Tensor): Tensor {
  const batch = state.shape[1]!;
  const position = new Array<number>(batch).fill(0);
  const chosen = new Array<number>(batch).fill(0);
  rows.forEach((r, k) => {
    position[r] = k;
    chosen[r] = 1;
  });
  const backend = backendOf('selectRows', state);
  const maskShape = state.shape.map((d, axis) => (axis === 1 ? d : 1));
  const mask = tensor(chosen, { dtype: 'bool', backend }).reshape(maskShape);
  return where(mask, indexSelect(values, 1, position), state);
}

/** Rows `rows` of `state`, in that order (a gather along the batch axis). */
export function readRows(state: Tensor, rows: readonly number[]): Tensor {
  return indexSelect(state, 1, rows);
}

/** `state` with `extra` appended as new rows. */
export function appendRows(state: Tensor, extra: Tensor): Tensor {
  return concat([state, extra], 1);
}
