// The Clockwork RNN (Koutník et al. 2014) as a cell kind: H = g·m units in g modules of m units,
// module k with period p_k. At step t (0-based) module k is active iff t mod p_k = 0: its units
// take tanh(x·W_ihᵀ + b_ih + h·(M⊙W_hh)ᵀ + b_hh); inactive modules keep h_{t-1}. The block mask M
// is applied by the layer (clockwork-rnn.ts) before the scan, so W_hh here is already masked.

import { concat, narrow } from '@recur/tensor';
import type { View } from '@recur/backend';
import type { CellKind } from './cell-kind.js';
import { columns } from './scan-plan.js';
import { rnnStep } from './steps.js';

/** Whether module k runs at step t. */
export const isActive = (periods: readonly number[], k: number, t: number): boolean => t % periods[k]! === 0;

export function clockworkKind(periods: readonly number[], moduleSize: number): CellKind {
  const m = moduleSize;
  return {
    name: 'ClockworkRNN',
    gates: 1,
    states: 1,
    composedStep: (w) => (gx, state, t) => {
      if (periods.every((_, k) => !isActive(periods, k, t))) return state;
      const updated = rnnStep(gx, state.h, w.weightHh, w.biasHh, 'tanh');
      const blocks = periods.map((_, k) => narrow(isActive(periods, k, t) ? updated : state.h, 1, k * m, m));
      return { h: blocks.length === 1 ? blocks[0]! : concat(blocks, 1), c: null };
    },
    sequenceKernels: (backend) => ({
      separateRecurrent: false,
      activations: 0,
      // Room for tanh'(y) = 1 − y².
      scratch: 2,
      // An inactive module hands dh to h_{t-1} as is.
      directGrad: [true],
      forward: ({ t, gates, previous: [h], next: [hNext] }) => {
        periods.forEach((_, k) => {
          const out = columns(hNext!, k * m, m);
          if (isActive(periods, k, t)) backend.unary('tanh', columns(gates, k * m, m), out);
          else backend.copy(columns(h!, k * m, m), out);
        });
      },
      backward: ({ t, next: [y], dNext: [dh], dGates, dPrevious: [direct], scratch: [s1, s2] }) => {
        periods.forEach((_, k) => {
          const block = (view: View | null | undefined) => columns(view!, k * m, m);
          if (isActive(periods, k, t)) {
            // dh − (dh·y)·y = dh·(1 − y²).
            backend.binary('mul', block(dh), block(y), block(s1));
            backend.binary('mul', block(s1), block(y), block(s2));
            backend.binary('sub', block(dh), block(s2), block(dGates));
            backend.fill(block(direct), 0);
          } else {
            backend.fill(block(dGates), 0);
            backend.copy(block(dh), block(direct));
          }
        });
      },
    }),
  };
}
