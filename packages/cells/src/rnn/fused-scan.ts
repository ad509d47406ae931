// Which layer directions run as one sequence op (lstm-scan.ts, gru-scan.ts, rnn-scan.ts) instead
// of the step-by-step scan, while fused kernels are on: LSTM without projection and GRU when the
// backend has the fused cells, and the Elman RNN on any backend. The input projection stays one GEMM over all rows; for the LSTM, b_hh
// joins b_ih there, since the gates only ever see their sum.

import { add, indexSelect, linear, narrow, type Tensor } from '@recur/tensor';
import type { Parameter } from '../parameter.js';
import { hasFused } from './fused-ops.js';
import { fusedGruScan } from './gru-scan.js';
import { fusedLstmScan } from './lstm-scan.js';
import { rnnScan } from './rnn-scan.js';
import type { ScanResult, ScanState } from './scan.js';
import { finalRows } from './scan-plan.js';
import { rnnSettings } from './steps.js';

export interface ScanWeights {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | null;
  readonly biasHh: Parameter | null;
  readonly weightHr: Parameter | null;
}

/** Each sequence's final state from the per-row states [N, ·] (rows in sorted batch order). */
function finalStates(states: Tensor, batchSizes: Int32Array, reverse: boolean): Tensor {
  const where = finalRows(batchSizes, reverse);
  return Array.isArray(where) ? indexSelect(states, 0, where) : narrow(states, 0, where.start, where.count);
}

/** One direction of one layer on the fused sequence op, or null when it must run step by step. */
export function fusedDirection(
  mode: string,
  w: ScanWeights,
  data: Tensor,
  batchSizes: Int32Array,
  initial: ScanState,
  reverse: boolean,
): ScanResult | null {
  if (!rnnSettings.useFused || w.weightHr || batchSizes.length === 0) return null;
  if (mode === 'LSTM' && hasFused('lstm', data)) {
    const hidden = w.weightHh.shape[1]!;
    const bias = w.biasIh && w.biasHh ? add(w.biasIh, w.biasHh) : (w.biasIh ?? w.biasHh);
    // A fresh tensor either way: the scan writes its pre-activations into it.
    const gates = linear(data, w.weightIh, bias);
    const y = fusedLstmScan(gates, initial.h, initial.c!, w.weightHh, batchSizes, reverse);
    const h = narrow(y, 1, 0, hidden);
    const c = narrow(y, 1, hidden, hidden);
    return { output: h, last: { h: finalStates(h, batchSizes, reverse), c: finalStates(c, batchSizes, reverse) } };
  }
  if (mode === 'RNN_TANH' || mode === 'RNN_RELU') {
    // Ordinary kernels on row views: every backend runs this one.
    const bias = w.biasIh && w.biasHh ? add(w.biasIh, w.biasHh) : (w.biasIh ?? w.biasHh);
    const y = rnnScan(linear(data, w.weightIh, bias), initial.h, w.weightHh, mode === 'RNN_TANH' ? 'tanh' : 'relu', batchSizes, reverse);
    return { output: y, last: { h: finalStates(y, batchSizes, reverse), c: null } };
  }
  if (mode === 'GRU' && hasFused('gru', data)) {
    const gx = linear(data, w.weightIh, w.biasIh);
    const y = fusedGruScan(gx, initial.h, w.weightHh, w.biasHh, batchSizes, reverse);
    return { output: y, last: { h: finalStates(y, batchSizes, reverse), c: null } };
  }
  return null;
}
