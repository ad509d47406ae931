// Optional fused kernels. A layer uses them when the backend provides them and a composed path
// of ordinary ops otherwise; the testkit proves fused ≡ composed in values and gradients.
// B batch, H hidden; LSTM gates i f g o, GRU gates r z n (PyTorch's row order), σ sigmoid;
// Adam: g gradient, m and v first and second moments, t step, η lr, λ weight decay.

import type { LayerNormLstmSequenceArgs, LayerNormLstmSequenceGradArgs } from './layer-norm-lstm-sequence.js';
import type { RecurrentSequenceArgs, RecurrentSequenceGradArgs } from './recurrent-sequence.js';
import type { BackendBuffer, View } from './view.js';

/** The scalar hyper-parameters of one `adamStep` call (PyTorch 1.13's Adam / AdamW). */
export interface AdamStepParams {
  /** η, the learning rate. */
  readonly lr: number;
  /** β1, the decay of the first moment m. */
  readonly beta1: number;
  /** β2, the decay of the second moment v. */
  readonly beta2: number;
  /** ε, added to the bias-corrected √v in the denominator. */
  readonly eps: number;
  /** λ; 0 means no decay. Coupled (Adam, g += λ·p) or decoupled (AdamW), see `decoupled`. */
  readonly weightDecay: number;
  /** t, the step number this call performs, counted from 1 (for the bias corrections). */
  readonly step: number;
  /** AdamW: p ← p·(1 − η·λ) before the update, and no λ·p term in g. */
  readonly decoupled: boolean;
  /** AMSGrad: keep vmax = max(vmax, v) and use it in place of v; `maxExpAvgSq` is then required. */
  readonly amsgrad: boolean;
  /** Ascend instead of descend: g ← −grad before everything else. */
  readonly maximize: boolean;
}

/** γ and β of a layer-norm LSTM's LN_h ([4H] each) and LN_c ([H] each), 1-D views. */
export interface LayerNormLstmNorms<B extends BackendBuffer = BackendBuffer> {
  readonly gammaH: View<B>;
  readonly betaH: View<B>;
  readonly gammaC: View<B>;
  readonly betaC: View<B>;
}

/**
 * The fused group. Every member is optional; a backend implements any subset. All views are
 * float32 and may be strided; outputs never alias inputs.
 */
export interface FusedKernels<B extends BackendBuffer = BackendBuffer> {
  /**
   * LSTM cell pointwise step. `gates` [B, 4H] holds pre-activations (x·W_ihᵀ + b_ih +
   * h·W_hhᵀ + b_hh) in the order i f g o; `c` [B, H] is the previous cell state. Writes
   * cNext = σ(f)·c + σ(i)·tanh(g) and h = σ(o)·tanh(cNext) (both [B, H]) and, when `act` is
   * given, the activated gates [B, 4H] = σ(i) σ(f) tanh(g) σ(o) for the backward pass.
   */
  lstmCell?(gates: View<B>, c: View<B>, h: View<B>, cNext: View<B>, act?: View<B>): void;
  /**
   * Backward of lstmCell. From `act` [B, 4H], `c` and `cNext` [B, H] of the forward step and
   * the upstream gradients `dh`, `dcNext` [B, H], writes `dGates` [B, 4H] (with respect to the
   * pre-activations) and `dc` [B, H] (with respect to the previous cell state).
   */
  lstmCellBackward?(act: View<B>, c: View<B>, cNext: View<B>, dh: View<B>, dcNext: View<B>, dGates: View<B>, dc: View<B>): void;
  /**
   * GRU cell pointwise step. `gx` [B, 3H] = x·W_ihᵀ + b_ih and `gh` [B, 3H] = h·W_hhᵀ + b_hh
   * in the order r z n; `h` [B, H] the previous state. With r = σ(gx_r + gh_r),
   * z = σ(gx_z + gh_z), n = tanh(gx_n + r·gh_n), writes hNext = (1 - z)·n + z·h and, when
   * `act` is given, act [B, 3H] = r z n.
   */
  gruCell?(gx: View<B>, gh: View<B>, h: View<B>, hNext: View<B>, act?: View<B>): void;
  /**
   * Backward of gruCell. From `act` [B, 3H], `gh` [B, 3H] and `h` [B, H] of the forward step
   * and the upstream `dhNext` [B, H], writes `dgx` and `dgh` [B, 3H] (gradients with respect
   * to gx and gh) and `dh` [B, H] (the direct path z·dhNext; the path through gh is the
   * caller's matmul).
   */
  gruCellBackward?(act: View<B>, gh: View<B>, h: View<B>, dhNext: View<B>, dgx: View<B>, dgh: View<B>, dh: View<B>): void;
  /**
   * Layer-norm LSTM cell step (PyTorch's benchmarks/fastrnns LayerNormLSTMCell), W = 4H. `gates`
   * [B, W] holds LN_i(x·W_ihᵀ), `recurrent` [B, W] holds h·W_hhᵀ (i f g o). With LN(v) =
   * (v − μ)/√(σ² + eps) per row (biased σ²): pre = gates + LN(recurrent)·γ_h + β_h;
   * s = σ(f)·c + σ(i)·tanh(g); cNext = LN(s)·γ_c + β_c; h = σ(o)·tanh(cNext). `norms` holds
   * γ_h, β_h [W] and γ_c, β_c [H]. With `saved` [B, 5H + 3] given, writes what the backward
   * reads: σ(i) σ(f) tanh(g) σ(o), LN(s), then μ and 1/√(σ² + eps) of `recurrent`, 1/√(σ² + eps) of s.
   */
  layerNormLstmCell?(
    gates: View<B>,
    recurrent: View<B>,
    c: View<B>,
    norms: LayerNormLstmNorms<B>,
    eps: number,
    h: View<B>,
    cNext: View<B>,
    saved?: View<B>,
  ): void;
  /**
   * Backward of layerNormLstmCell. From `saved`, `recurrent`, `c` and `cNext` of the forward
   * step and the upstream `dh`, `dcNext` [B, H], writes `dGates` [B, W] (d pre, which is also
   * d gates), `dRecurrent` [B, W] (through LN_h) and `dc` [B, H] (σ(f)·ds), and adds the γ/β
   * gradients of the step into `dNorms` (same layout as `norms`).
   */
  layerNormLstmCellBackward?(
    saved: View<B>,
    recurrent: View<B>,
    c: View<B>,
    cNext: View<B>,
    norms: LayerNormLstmNorms<B>,
    dh: View<B>,
    dcNext: View<B>,
    dGates: View<B>,
    dRecurrent: View<B>,
    dc: View<B>,
    dNorms: LayerNormLstmNorms<B>,
  ): void;
  /**
   * Whole-sequence recurrence: one direction of one layer over every step (recurrent-sequence.ts
   * states the layout). Returns false, recording nothing, when the backend cannot take this
   * problem (cell, hidden size, step count, device limits); the caller then runs its per-step path
   * on the same buffers, so a backend may take the forward and decline the backward or the other
   * way round. A backend states how close its results are to the per-step path's.
   */
  recurrentSequence?(args: RecurrentSequenceArgs<B>): boolean;
  /**
   * Backward of recurrentSequence, walking the steps in reverse: writes dGates (gru: and
   * dRecurrent) for every row and dInitial; dW_hh and db are the caller's GEMM and reduction over
   * them. Returns false, recording nothing, when it cannot take the problem.
   */
  recurrentSequenceBackward?(args: RecurrentSequenceGradArgs<B>): boolean;
  /**
   * Whole-sequence layer-norm LSTM: one direction of one layer over every step, LN_h and LN_c
   * inside (layer-norm-lstm-sequence.ts states the layout). Returns false, recording nothing, when
   * the backend cannot take the problem; the caller then runs its per-step path. A backend that
   * takes the forward of a problem takes its backward too, unless it also has the per-step pair
   * (layerNormLstmCell/-Backward), whose `saved` layout the walk shares.
   */
  layerNormLstmSequence?(args: LayerNormLstmSequenceArgs<B>): boolean;
  /**
   * Backward of layerNormLstmSequence, walking the steps in reverse: writes dGates, dRecurrent and
   * dInitial, adds the γ/β gradients into dNorms. Returns false, recording nothing, when it cannot.
   */
  layerNormLstmSequenceBackward?(args: LayerNormLstmSequenceGradArgs<B>): boolean;
  /**
   * One Adam / AdamW step of one parameter, in place. All views are float32 of one shape and
   * may be strided; `grad` is only read; `param`, `expAvg` (m), `expAvgSq` (v) and, with
   * `amsgrad`, `maxExpAvgSq` (vmax) are read and overwritten. None of them may overlap another
   * or `grad`. With t = `step`:
   *   g = maximize ? −grad : grad;  decoupled: p ← p·(1 − η·λ), else g ← g + λ·p
   *   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  amsgrad: vmax ← max(vmax, v)
   *   p ← p − (η / (1 − β1^t)) · m / (√(amsgrad ? vmax : v) / √(1 − β2^t) + ε)
   * Results match the composed float32 ops within 1e-6 relative.
   */
  adamStep?(param: View<B>, grad: View<B>, expAvg: View<B>, expAvgSq: View<B>, maxExpAvgSq: View<B> | null, params: AdamStepParams): void;
}
