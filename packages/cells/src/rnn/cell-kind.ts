// The cell interface of the scan driver (scan-driver.ts, sequence-scan.ts). A CellKind carries
// what differs between recurrent cells — gate count, state arity, the composed step, the
// whole-sequence step kernels — so the driver is written once. H hidden, G gate blocks (rows of
// W_ih/W_hh = G·H), S states of [·, H] each (state 0 is h, the output W_hh reads), n step rows.
//
// How a cell is added (layer-norm LSTM, Clockwork RNN, a whole-sequence GPU kernel):
//  1. Write its composed step with tensor ops (`composedStep`): the reference, and the path taken
//     when the backend lacks the kernels. It must be right on its own (fixtures, gradcheck).
//  2. Return `SequenceKernels` from `sequenceKernels(backend, weights)` when the backend can run
//     the step on row views; the driver owns everything else (buffers once per call, the input
//     projection as one GEMM, h·W_hhᵀ per step accumulated into the step's rows, packed batches,
//     reverse direction, the backward in reverse with dW_hh as one GEMM, h0/c0 gradients).
//  3. For a whole-sequence backend op (`fused.recurrentSequence`, recurrent-sequence.ts in
//     @recur/backend: one call walks every step, forward or backward, e.g. a wasm loop with W_hh
//     resident or a persistent GPU kernel), name the cell in `SequenceKernels.cell`. The driver offers each
//     layer-direction to the backend's op first and runs its per-step loop when the op is absent
//     or declines (returns false); the op's views are exactly the ones the loop would use.
//  4. Prove sequence ≡ composed (scan-options.test.ts sweeps every layer option; add the kind there).

import type { BackendV1, RecurrentSequenceCell, View } from '@recur/backend';
import type { Tensor } from '@recur/tensor';
import type { Parameter } from '../parameter.js';
import type { Step } from './scan.js';

/** One direction of one layer's weights (PyTorch's names; W_hr only for a projected LSTM). */
export interface DirectionWeights {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | null;
  readonly biasHh: Parameter | null;
  readonly weightHr: Parameter | null;
}

export interface CellKind {
  /** PyTorch's mode name ('LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'), for messages. */
  readonly name: string;
  /** G, the gate blocks: W_ih is [G·H, I], W_hh [G·H, H]. */
  readonly gates: number;
  /** S, the states carried between steps (1: h; 2: h and c). The layer's h0/c0 map onto them. */
  readonly states: 1 | 2;
  /** The composed step (tensor ops) over gx = x·W_ihᵀ + b_ih: the reference path, any backend. */
  composedStep(weights: DirectionWeights): Step;
  /** The step kernels on `backend` for these weights, or null to take the composed path. */
  sequenceKernels(backend: BackendV1, weights: DirectionWeights): SequenceKernels | null;
}

/** What a kind runs per step inside the driver's sequence op; everything else is the driver's. */
export interface SequenceKernels {
  /**
   * false: h·W_hhᵀ is accumulated into the projected rows, b_hh joins b_ih in the projection
   * (LSTM, Elman). true: it goes to a separate [N, G·H] buffer that starts as b_hh and is kept
   * for the backward (GRU: r scales its n part; a layer-norm LSTM normalises it apart).
   */
  readonly separateRecurrent: boolean;
  /** The cell the backend's whole-sequence op (`fused.recurrentSequence`) may run in place of the per-step loop. */
  readonly cell?: RecurrentSequenceCell;
  /** A whole-sequence walk of the kind's own (a backend op of its cell, e.g. fused.layerNormLstmSequence), offered like `cell`'s. */
  readonly walk?: SequenceWalk;
  /** Columns (× H) per row the forward stores for the backward in `activations` (0: none). */
  readonly activations: number;
  /**
   * true: `activations` is allocated even when not recording, as the forward's working space
   * (a layer-norm LSTM normalises rows there); false or absent: only for the backward.
   */
  readonly workspace?: boolean;
  /** [·, H] scratch buffers the backward step may use (`scratch`). */
  readonly scratch: number;
  /** Per state: whether its predecessor gets a gradient not through W_hh (`dPrevious[j]`). */
  readonly directGrad: readonly boolean[];
  /**
   * Extra tensors the step reads (a layer-norm LSTM's γ/β, a Clockwork RNN's periods as data):
   * op inputs whose gradients the backward step accumulates into `dParameters`.
   */
  readonly parameters?: readonly Tensor[];
  /** The [N, G·H] rows the scan starts from, instead of x·W_ihᵀ + b (a fresh tensor it may overwrite). */
  project?(data: Tensor, weights: DirectionWeights): Tensor;
  /** Step t's rows: read gates/recurrent/previous, write `next` (and `activations` when given). */
  forward(step: StepViews): void;
  /** Undo step t: from dNext write dGates (and dRecurrent, dPrevious where declared). */
  backward(step: StepGradViews): void;
}

/** Row views of one step (or part of one: rows continuing a predecessor vs starting fresh). */
export interface StepViews {
  /** The time step (0-based, in sequence order whatever the direction). */
  readonly t: number;
  /** [n, G·H] pre-activations: projected input (+ h·W_hhᵀ + b_hh unless separateRecurrent). */
  readonly gates: View;
  /** [n, G·H] h·W_hhᵀ + b_hh when separateRecurrent, else null. */
  readonly recurrent: View | null;
  /** Per state [n, H]: the previous step's state (or the initial state). */
  readonly previous: readonly View[];
  /** Per state [n, H]: this step's state, to write (state 0 is the output h). */
  readonly next: readonly View[];
  /** [n, activations·H] to fill for the backward; null when not recording (unless `workspace`) or none declared. */
  readonly activations: View | null;
  /** Kernel views of `parameters`, whole. */
  readonly parameters: readonly View[];
}

/** The backward's views: the forward's, less the pre-activations (kinds keep what they need in `activations`). */
export interface StepGradViews extends Omit<StepViews, 'gates'> {
  /** Per state [n, H]: the total gradient of this step's state (read). */
  readonly dNext: readonly View[];
  /** [n, G·H] to write: the gradient of `gates`. */
  readonly dGates: View;
  /** [n, G·H] to write when separateRecurrent: the gradient of `recurrent`; else null. */
  readonly dRecurrent: View | null;
  /** Per state [n, H] to write where `directGrad[j]`: d previous not through W_hh; else null. */
  readonly dPrevious: readonly (View | null)[];
  /** [n, H] scratch rows. */
  readonly scratch: readonly View[];
  /** Gradients of `parameters`, whole: accumulate into them. */
  readonly dParameters: readonly View[];
}

/** The layer-direction's views a kind's whole-sequence walk reads and writes (the per-step loop's, whole). */
export interface WalkViews {
  readonly batchSizes: Int32Array;
  readonly reverse: boolean;
  /** [N, G·H] the projected rows (read). */
  readonly gates: View;
  /** Per state [B, H] (read). */
  readonly initial: readonly View[];
  readonly weightHh: View;
  /** Per state [N, H] to write. */
  readonly states: readonly View[];
  /** [N, G·H] when separateRecurrent (not made for an exclusive walk, which keeps its own), else null. */
  readonly recurrent: View | null;
  /** [N, activations·H], or null when not allocated. */
  readonly activations: View | null;
  readonly parameters: readonly View[];
}

/** The backward's views: the forward's (read), the gradients of `states` (read) and what to write. */
export interface WalkGradViews extends Omit<WalkViews, 'gates'> {
  readonly dStates: readonly View[];
  readonly dGates: View;
  readonly dRecurrent: View | null;
  readonly dInitial: readonly View[];
  /** Accumulate into them, as the step kernels do. */
  readonly dParameters: readonly View[];
}

/** A kind's whole-sequence walk: each returns false, having recorded nothing, when the backend declines. */
export interface SequenceWalk {
  /**
   * true: a walked forward leaves `activations`/`recurrent` in a layout only `backward` reads, so
   * the driver offers `backward` exactly after a walked forward and a decline there is an error;
   * false: the walk and the step kernels share the layout, so either may follow the other.
   */
  readonly exclusive: boolean;
  forward(views: WalkViews): boolean;
  backward(views: WalkGradViews): boolean;
}
