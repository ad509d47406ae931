// The LSTM as a cell kind: 4 gate blocks i f g o, states (h, c). Its sequence step is the
// backend's fused lstmCell pair on the pre-activation rows (b_hh joins b_ih in the projection);
// a projected LSTM (W_hr) or a backend without the pair takes the composed step. H hidden.

import type { CellKind } from './cell-kind.js';
import { lstmStep } from './steps.js';

export const LSTM_KIND: CellKind = {
  name: 'LSTM',
  gates: 4,
  states: 2,
  composedStep: (w) => (gx, state) => lstmStep(gx, { h: state.h, c: state.c! }, w.weightHh, w.biasHh, w.weightHr),
  sequenceKernels(backend, w) {
    const fused = backend.fused;
    if (w.weightHr || !fused?.lstmCell || !fused.lstmCellBackward) return null;
    return {
      separateRecurrent: false,
      cell: 'lstm',
      // σ(i) σ(f) tanh(g) σ(o) per row.
      activations: 4,
      scratch: 0,
      // h_{t-1} reaches the step only through W_hh; c_{t-1} directly (f·c).
      directGrad: [false, true],
      forward: ({ gates, previous: [, c], next: [h, cNext], activations }) =>
        fused.lstmCell!(gates, c!, h!, cNext!, activations ?? undefined),
      backward: ({ activations, previous: [, c], next: [, cNext], dNext: [dh, dc], dGates, dPrevious: [, dcPrevious] }) =>
        fused.lstmCellBackward!(activations!, c!, cNext!, dh!, dc!, dGates, dcPrevious!),
    };
  },
};
