// Optional fused kernels. A layer uses them when the backend provides them and a composed path
// of ordinary ops otherwise; the testkit proves fused ≡ composed in values and gradients.
// B batch, H hidden; LSTM gates i f g o, GRU gates r z n (PyTorch's row order).

import type { BackendBuffer } from './view.js';

/**
 * The fused group. Every member is optional; a backend implements any subset. Members are
 * added here with their contracts as layers come to need them (cells, optimizer steps).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
export interface FusedKernels<B extends BackendBuffer = BackendBuffer> {}
