// The GRU as a cell kind: 3 gate blocks r z n, state h. Its sequence step is the backend's fused
// gruCell pair; gh = h·W_hhᵀ + b_hh stays apart from gx (separateRecurrent) because r scales its
// n part, and the gh rows of every step are kept for the backward. H hidden.

import type { CellKind } from './cell-kind.js';
import { gruStep } from './steps.js';

export const GRU_KIND: CellKind = {
  name: 'GRU',
  gates: 3,
  states: 1,
  composedStep: (w) => (gx, state) => ({ h: gruStep(gx, state.h, w.weightHh, w.biasHh), c: null }),
  sequenceKernels(backend) {
    const fused = backend.fused;
    if (!fused?.gruCell || !fused.gruCellBackward) return null;
    return {
      separateRecurrent: true,
      cell: 'gru',
      // r z n per row.
      activations: 3,
      scratch: 0,
      // z·dh reaches h_{t-1} directly, beside the path through gh.
      directGrad: [true],
      forward: ({ gates, recurrent, previous: [h], next: [hNext], activations }) =>
        fused.gruCell!(gates, recurrent!, h!, hNext!, activations ?? undefined),
      backward: ({ activations, recurrent, previous: [h], dNext: [dh], dGates, dRecurrent, dPrevious: [direct] }) =>
        fused.gruCellBackward!(activations!, recurrent!, h!, dh!, dGates, dRecurrent!, direct!),
    };
  },
};
