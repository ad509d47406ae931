// The scan: one direction of one layer over time, on the packed layout. Step t reads rows
// [offset_t, offset_t + b_t) of the input projection gx [N, G] (N = Σ lengths); the batch
// shrinks as sequences end (forward) or grows as they start (reverse), so padding costs nothing.
// A padded batch is the special case b_t = B for every t.

import { concat, narrow, type Tensor } from '@recur/tensor';
import { stepOffsets } from '@recur/sequence';

export interface ScanState {
  readonly h: Tensor;
  /** The LSTM cell state; null for RNN and GRU. */
  readonly c: Tensor | null;
}

/** One time step t (0-based, in sequence order) from its input projection rows and the previous state. */
export type Step = (gx: Tensor, state: ScanState, t: number) => ScanState;

export interface ScanResult {
  /** Every step's h, in packed order [N, H_out]. */
  readonly output: Tensor;
  /** The final state of every sequence, rows in (sorted) batch order. */
  readonly last: ScanState;
}

const rows = (t: Tensor | null, start: number, count: number): Tensor | null => (t ? narrow(t, 0, start, count) : null);

function joinRows(parts: readonly (Tensor | null)[]): Tensor | null {
  if (parts[0] === null) return null;
  return parts.length === 1 ? parts[0]! : concat(parts as Tensor[], 0);
}

export function scan(gx: Tensor, batchSizes: Int32Array, initial: ScanState, reverse: boolean, step: Step): ScanResult {
  const steps = batchSizes.length;
  const offsets = stepOffsets(batchSizes);
  const outputs = new Array<Tensor>(steps);
  if (!reverse) {
    let state = initial;
    let active = initial.h.shape[0]!;
    // Final states of sequences that ended early, highest rows first.
    const endedH: Tensor[] = [];
    const endedC: (Tensor | null)[] = [];
    for (let t = 0; t < steps; t++) {
      const size = batchSizes[t]!;
      if (size < active) {
        endedH.push(narrow(state.h, 0, size, active - size));
        endedC.push(rows(state.c, size, active - size));
        state = { h: narrow(state.h, 0, 0, size), c: rows(state.c, 0, size) };
        active = size;
      }
      state = step(narrow(gx, 0, offsets[t]!, size), state, t);
      outputs[t] = state.h;
    }
    const h = joinRows([state.h, ...endedH.reverse()])!;
    const c = joinRows([state.c, ...endedC.reverse()]);
    return { output: concat(outputs, 0), last: { h, c } };
  }
  let state: ScanState | null = null;
  let active = 0;
  for (let t = steps - 1; t >= 0; t--) {
    const size = batchSizes[t]!;
    if (size > active) {
      // Sequences whose last element is at step t start here from their initial state.
      const startH = narrow(initial.h, 0, active, size - active);
      const startC = rows(initial.c, active, size - active);
      state = state ? { h: concat([state.h, startH], 0), c: state.c ? concat([state.c, startC!], 0) : null } : { h: startH, c: startC };
      active = size;
    }
    state = step(narrow(gx, 0, offsets[t]!, size), state!, t);
    outputs[t] = state.h;
  }
  return { output: concat(outputs, 0), last: state ?? initial };
}
