// The optional whole-sequence recurrent kernels of FusedKernels: one direction of one layer walked
// over every time step in one call (cuDNN-style), on the packed row layout of the scan driver.
// N packed rows (Σ b_t), B sequences, T steps, H hidden, G gate blocks, b_t the rows of step t.

import type { BackendBuffer, View } from './view.js';

/**
 * The cells a whole-sequence kernel may run, with their gate blocks G: lstm (4: i f g o, states
 * h and c), gru (3: r z n, reset applied after W_hn·h), rnn_tanh and rnn_relu (1). A backend
 * declines (returns false) the cells it does not walk.
 */
export type RecurrentSequenceCell = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

/**
 * The packed layout: step t owns rows [o_t, o_t + b_t) of every [N, ·] operand, o_t = Σ_{u<t} b_u,
 * with b_t never growing with t (PackedSequence's batch_sizes). The forward walk goes
 * t = 0 … T−1 (`reverse`: T−1 … 0); a row's previous state is the row of the same sequence at the
 * step walked just before, or its initial state where there is none.
 */
export interface RecurrentSequenceLayout {
  readonly cell: RecurrentSequenceCell;
  /** b_t for t = 0 … T−1 (T ≥ 1, b_0 = B ≥ 1). */
  readonly batchSizes: Int32Array;
  readonly reverse: boolean;
}

export interface RecurrentSequenceArgs<B extends BackendBuffer = BackendBuffer> extends RecurrentSequenceLayout {
  /**
   * [N, G·H] the projected input x·W_ihᵀ + b_ih; for lstm and rnn_* b_hh is folded in too (their
   * step sees only the sum). Scratch to the op: it may be overwritten, nothing reads it afterwards.
   */
  readonly gates: View<B>;
  /** Per state [B, H]: h0 (and c0 for lstm), sorted batch order. */
  readonly initial: readonly View<B>[];
  /** [G·H, H] W_hh. */
  readonly weightHh: View<B>;
  /** gru: [G·H] b_hh, or null without bias; others: null (b_hh is in `gates`). */
  readonly biasHh: View<B> | null;
  /** Per state [N, H] to write: h (and c for lstm) of every row. */
  readonly states: readonly View<B>[];
  /** gru: [N, G·H] to write gh = h_{t−1}·W_hhᵀ + b_hh of every row (the backward reads it); others: null. */
  readonly recurrent: View<B> | null;
  /**
   * [N, A·H] to write for the backward, or null when not recording: lstm σ(i) σ(f) tanh(g) σ(o)
   * (A = 4), gru r z n (A = 3), as the fused cells' `act`; rnn_*: always null (the backward reads h).
   */
  readonly activations: View<B> | null;
}

export interface RecurrentSequenceGradArgs<B extends BackendBuffer = BackendBuffer> extends RecurrentSequenceLayout {
  /** The forward's `initial`, `weightHh`, `states`, `recurrent` and `activations` (read). */
  readonly initial: readonly View<B>[];
  readonly weightHh: View<B>;
  readonly states: readonly View<B>[];
  readonly recurrent: View<B> | null;
  readonly activations: View<B> | null;
  /** Per state [N, H]: the gradient of `states` from outside the recurrence (read). */
  readonly dStates: readonly View<B>[];
  /** [N, G·H] to write: the gradient of the pre-activations `gates` (gru: of gx). */
  readonly dGates: View<B>;
  /** gru: [N, G·H] to write, the gradient of `recurrent` (gh); others: null. */
  readonly dRecurrent: View<B> | null;
  /** Per state [B, H] to write: the gradients of the initial states. */
  readonly dInitial: readonly View<B>[];
}
