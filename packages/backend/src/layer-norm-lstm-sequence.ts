// The optional whole-sequence kernels of a layer-norm LSTM (FusedKernels.layerNormLstmSequence and
// its backward): one direction of one layer walked over every step in one call, on the packed rows
// of the scan driver (recurrent-sequence.ts states the layout). N packed rows, B sequences, H hidden, W = 4H.

import type { LayerNormLstmNorms } from './fused.js';
import type { BackendBuffer, View } from './view.js';

/** b_t for t = 0 … T−1 (non-increasing, b_0 = B ≥ 1) and the walk's direction, as in RecurrentSequenceLayout. */
export interface LayerNormLstmSequenceLayout {
  readonly batchSizes: Int32Array;
  readonly reverse: boolean;
}

/**
 * The step of every row is layerNormLstmCell's: pre = gates + LN(h·W_hhᵀ)·γ_h + β_h,
 * s = σ(f)·c + σ(i)·tanh(g), c' = LN(s)·γ_c + β_c, h' = σ(o)·tanh(c'), with h and c the row's
 * previous states (the same sequence's row at the step walked before, or h0/c0).
 */
export interface LayerNormLstmSequenceArgs<B extends BackendBuffer = BackendBuffer> extends LayerNormLstmSequenceLayout {
  /** [N, W] LN_i(x·W_ihᵀ) (read). */
  readonly gates: View<B>;
  /** h0 and c0 [B, H], sorted batch order (read). */
  readonly initial: readonly [View<B>, View<B>];
  /** [W, H] W_hh (read). */
  readonly weightHh: View<B>;
  /** γ/β of LN_h and LN_c, and ε of both. */
  readonly norms: LayerNormLstmNorms<B>;
  readonly eps: number;
  /** h and c [N, H] of every row, to write. */
  readonly states: readonly [View<B>, View<B>];
  /** [N, W] to write: h·W_hhᵀ of every row, before LN_h. */
  readonly recurrent: View<B>;
  /**
   * [N, 5H + 3] to write, always (it is also the walk's working space): per row what
   * layerNormLstmCell's `saved` holds, σi σf tanh g σo, LN(s), μ and 1/√(σ² + ε) of `recurrent`,
   * 1/√(σ² + ε) of s. A per-step backward (layerNormLstmCellBackward) can therefore follow this walk.
   */
  readonly saved: View<B>;
}

export interface LayerNormLstmSequenceGradArgs<B extends BackendBuffer = BackendBuffer> extends LayerNormLstmSequenceLayout {
  /** The forward's `initial`, `weightHh`, `norms`, `eps`, `states`, `recurrent` and `saved` (read). */
  readonly initial: readonly [View<B>, View<B>];
  readonly weightHh: View<B>;
  readonly norms: LayerNormLstmNorms<B>;
  readonly eps: number;
  readonly states: readonly [View<B>, View<B>];
  readonly recurrent: View<B>;
  readonly saved: View<B>;
  /** dh and dc [N, H]: the gradients of `states` from outside the recurrence (read). */
  readonly dStates: readonly [View<B>, View<B>];
  /** [N, W] to write: the gradient of `gates` (of the pre-activations). */
  readonly dGates: View<B>;
  /** [N, W] to write: the gradient of `recurrent` (through LN_h); dW_hh is the caller's GEMM over it. */
  readonly dRecurrent: View<B>;
  /** dh0 and dc0 [B, H] to write. */
  readonly dInitial: readonly [View<B>, View<B>];
  /** The γ/β gradients of the whole walk, added into these (same layout as `norms`). */
  readonly dNorms: LayerNormLstmNorms<B>;
}
