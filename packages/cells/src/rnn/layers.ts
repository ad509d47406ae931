// Multi-layer, optionally bidirectional RNN / LSTM / GRU with PyTorch's options, parameter
// names (weight_ih_l{k}[_reverse], weight_hr_l{k}) and layouts: input [T, B, I] (or [B, T, I]
// with batchFirst, [T, I] unbatched, or a PackedSequence); h_n [L·D, B, H_out] with row
// layer·D + direction. Each layer projects every step's input in one GEMM, then scans (scan-driver.ts);
// with `residual`, layers from the second on add their input to their output.

import {
  ShapeError,
  Tensor,
  ValueError,
  add,
  backendOf,
  checkOptions,
  concat,
  describeValue,
  fmtShape,
  indexSelect,
  reshape,
  scope,
  stack,
  zeros,
} from '@recur/tensor';
import { PackedSequence } from '@recur/sequence';
import { Module } from '../module.js';
import { checkSize, createRecurrentWeights, GATES, uniformParameter } from './weights.js';
import type { Nonlinearity } from './steps.js';
import type { ScanState } from './scan.js';
import type { CellKind, DirectionWeights } from './cell-kind.js';
import { runDirection } from './scan-driver.js';

/** The final states [L·D, B, H]; one layer-direction's is a view, not a copy (on a GPU, a dispatch saved per sequence). */
function stackStates(states: readonly Tensor[]): Tensor {
  return states.length === 1 ? states[0]!.unsqueeze(0) : stack([...states], 0);
}
import { LSTM_KIND } from './lstm-kind.js';
import { GRU_KIND } from './gru-kind.js';
import { RNN_RELU_KIND, RNN_TANH_KIND } from './elman-kind.js';
import { dropout } from '../modules/dropout.js';

export type RecurrentMode = keyof typeof GATES;

export interface RecurrentOptions {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers?: number;
  readonly bias?: boolean;
  readonly batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode. */
  readonly dropout?: number;
  readonly bidirectional?: boolean;
  /**
   * Residual connections: from the second layer on, each layer's input (the previous layer's
   * output, after dropout) is added to its output. Not in PyTorch; no parameters of its own.
   */
  readonly residual?: boolean;
}

export interface RecurrentResult {
  readonly output: Tensor | PackedSequence;
  readonly h: Tensor;
  readonly c: Tensor | null;
}

const RECURRENT_OPTIONS = ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'residual'];

/** The shared machinery of RNN, LSTM and GRU (PyTorch's RNNBase). */
export abstract class RecurrentBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly residual: boolean;
  readonly projSize: number;
  protected readonly weights: DirectionWeights[][] = [];
  /** PyTorch's mode name of the cell ('LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'). */
  readonly mode: RecurrentMode;

  constructor(
    /** What each step computes; the scan driver runs it (cell-kind.ts). */
    readonly kind: CellKind,
    protected readonly layerName: string,
    options: RecurrentOptions & { projSize?: number },
  ) {
    super();
    const mode = kind.name as RecurrentMode;
    this.mode = mode;
    const extra = mode === 'LSTM' ? ['projSize'] : layerName === 'RNN' ? ['nonlinearity'] : [];
    options = checkOptions(layerName, options, [...RECURRENT_OPTIONS, ...extra]);
    checkSize(layerName, 'inputSize', options.inputSize, 0);
    checkSize(layerName, 'hiddenSize', options.hiddenSize);
    checkSize(layerName, 'numLayers', options.numLayers ?? 1);
    checkSize(layerName, 'projSize', options.projSize ?? 0, 0);
    const dropout = options.dropout ?? 0;
    if (!(dropout >= 0 && dropout <= 1)) throw new ValueError(`${layerName}: dropout must be in [0, 1]; got ${dropout}`);
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = dropout;
    this.bidirectional = options.bidirectional ?? false;
    this.projSize = options.projSize ?? 0;
    this.residual = checkResidual(layerName, options.residual, this.numLayers);
    if (this.projSize >= this.hiddenSize && this.projSize > 0) {
      throw new ValueError(`${layerName}: projSize must be smaller than hiddenSize; got ${this.projSize} ≥ ${this.hiddenSize}`);
    }
    const out = this.outputSize;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const directions: DirectionWeights[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const layerInput = layer === 0 ? this.inputSize : out * this.numDirections;
        const w = createRecurrentWeights(kind.gates, layerInput, this.hiddenSize, out, this.bias);
        directions.push({
          weightIh: this.registerParameter(`weight_ih${suffix}`, w.weightIh),
          weightHh: this.registerParameter(`weight_hh${suffix}`, w.weightHh),
          biasIh: this.registerParameter(`bias_ih${suffix}`, w.biasIh),
          biasHh: this.registerParameter(`bias_hh${suffix}`, w.biasHh),
          weightHr:
            this.projSize > 0
              ? this.registerParameter(`weight_hr${suffix}`, uniformParameter([this.projSize, this.hiddenSize], this.hiddenSize))
              : null,
        });
      }
      this.weights.push(directions);
    }
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** H_out: projSize when projecting, hiddenSize otherwise. */
  get outputSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  /** Run every layer and direction; `h0`/`c0` are [L·D, B, ·] (or [L·D, ·] unbatched). */
  protected run(input: Tensor | PackedSequence, h0: Tensor | undefined, c0: Tensor | undefined): RecurrentResult {
    return scope(() => {
      const layout = this.layoutOf(input);
      const initialH = this.initialState('h0', h0, layout, this.outputSize);
      const initialC = this.kind.states === 2 ? this.initialState('c0', c0, layout, this.hiddenSize) : null;
      let data = layout.data;
      const lastH: Tensor[] = [];
      const lastC: Tensor[] = [];
      for (let layer = 0; layer < this.numLayers; layer++) {
        const layerInput = data;
        const outputs: Tensor[] = [];
        for (let d = 0; d < this.numDirections; d++) {
          const w = this.weights[layer]![d]!;
          const row = layer * this.numDirections + d;
          const initial: ScanState = { h: initialH.select(0, row), c: initialC ? initialC.select(0, row) : null };
          const result = runDirection(this.kind, w, data, layout.batchSizes, initial, d === 1);
          outputs.push(result.output);
          lastH.push(result.last.h);
          if (result.last.c) lastC.push(result.last.c);
        }
        data = outputs.length === 1 ? outputs[0]! : concat(outputs, 1);
        // Layer k ≥ 1 reads H_out·D features and writes H_out·D: the sizes always agree.
        if (this.residual && layer > 0) data = add(data, layerInput);
        if (layer < this.numLayers - 1) data = dropout(data, this.dropout, { training: this.training });
      }
      return this.finish(layout, data, stackStates(lastH), lastC.length ? stackStates(lastC) : null);
    });
  }

  private layoutOf(input: Tensor | PackedSequence): Layout {
    if (input instanceof PackedSequence) {
      const data = input.data;
      if (data.rank !== 2 || data.shape[1] !== this.inputSize) {
        throw new ShapeError(`${this.layerName}: expected packed data [N, ${this.inputSize}]; got ${fmtShape(data.shape)}`);
      }
      return { kind: 'packed', data, batchSizes: input.batchSizes, batch: input.batchSizes[0] ?? 0, packed: input };
    }
    if (!(input instanceof Tensor)) {
      throw new ShapeError(`${this.layerName}: expected a Tensor or a PackedSequence; got ${typeof input}`);
    }
    if ((input.rank !== 2 && input.rank !== 3) || input.shape[input.rank - 1] !== this.inputSize) {
      const expected = this.batchFirst ? `[batch, seq, ${this.inputSize}]` : `[seq, batch, ${this.inputSize}]`;
      throw new ShapeError(
        `${this.layerName}: expected input ${expected} or unbatched [seq, ${this.inputSize}]; got ${fmtShape(input.shape)}`,
      );
    }
    const unbatched = input.rank === 2;
    const seqFirst = unbatched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    const [steps, batch] = seqFirst.shape as [number, number];
    if (steps === 0) throw new ShapeError(`${this.layerName}: the sequence is empty (shape ${fmtShape(input.shape)})`);
    return {
      kind: 'padded',
      data: reshape(seqFirst, [steps * batch, this.inputSize]),
      batchSizes: new Int32Array(steps).fill(batch),
      batch,
      steps,
      unbatched,
    };
  }

  private initialState(name: string, given: Tensor | undefined, layout: Layout, size: number): Tensor {
    const rows = this.numLayers * this.numDirections;
    const unbatched = layout.kind === 'padded' && layout.unbatched;
    const expected = unbatched ? [rows, size] : [rows, layout.batch, size];
    // Zeros on the input's backend, not the active one: the module may have been moved elsewhere.
    if (given === undefined || given === null)
      return zeros([rows, layout.batch, size], { backend: backendOf(this.layerName, layout.data) });
    if (!(given instanceof Tensor)) {
      throw new ValueError(`${this.layerName}: ${name} must be a Tensor of shape ${fmtShape(expected)}; got ${describeValue(given)}`);
    }
    if (given.rank !== expected.length || given.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(`${this.layerName}: expected ${name} of shape ${fmtShape(expected)}; got ${fmtShape(given.shape)}`);
    }
    if (unbatched) return given.unsqueeze(1);
    // A packed batch runs in length-sorted order; initial states come in the caller's order.
    if (layout.kind === 'packed' && layout.packed.sortedIndices) return indexSelect(given, 1, layout.packed.sortedIndices);
    return given;
  }

  private finish(layout: Layout, data: Tensor, h: Tensor, c: Tensor | null): RecurrentResult {
    if (layout.kind === 'packed') {
      const order = layout.packed.unsortedIndices;
      const restore = (t: Tensor) => (order ? indexSelect(t, 1, order) : t);
      const output = layout.packed.withData(data);
      return { output, h: restore(h), c: c ? restore(c) : null };
    }
    const features = data.shape[1]!;
    let output = reshape(data, [layout.steps, layout.batch, features]);
    if (layout.unbatched) {
      return { output: output.squeeze(1), h: h.squeeze(1), c: c ? c.squeeze(1) : null };
    }
    if (this.batchFirst) output = output.transpose(0, 1);
    return { output, h, c };
  }
}

/** The residual option: a boolean, and only where a second layer exists to take it. */
function checkResidual(layerName: string, residual: unknown, numLayers: number): boolean {
  if (residual === undefined) return false;
  if (typeof residual !== 'boolean') throw new ValueError(`${layerName}: residual must be a boolean; got ${describeValue(residual)}`);
  if (residual && numLayers < 2) {
    throw new ValueError(
      `${layerName}: residual: true adds each layer's input to its output from the second layer on; expected numLayers ≥ 2, got ${numLayers} ` +
        `(the first layer's input, inputSize wide, is never added)`,
    );
  }
  return residual;
}

type Layout =
  | { kind: 'packed'; data: Tensor; batchSizes: Int32Array; batch: number; packed: PackedSequence }
  | { kind: 'padded'; data: Tensor; batchSizes: Int32Array; batch: number; steps: number; unbatched: boolean };

export class RNN extends RecurrentBase {
  readonly nonlinearity: Nonlinearity;

  constructor(options: RecurrentOptions & { nonlinearity?: Nonlinearity }) {
    const nonlinearity = options?.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new ValueError(`RNN: nonlinearity must be 'tanh' or 'relu'; got '${String(nonlinearity)}'`);
    }
    super(nonlinearity === 'tanh' ? RNN_TANH_KIND : RNN_RELU_KIND, 'RNN', options);
    this.nonlinearity = nonlinearity;
  }

  /** Returns [output, h_n]; output is a PackedSequence when the input was one. */
  forward<I extends Tensor | PackedSequence>(input: I, h0?: Tensor): [I, Tensor] {
    const r = this.run(input, h0, undefined);
    return [r.output as I, r.h];
  }
}

export class LSTM extends RecurrentBase {
  constructor(options: RecurrentOptions & { projSize?: number }) {
    super(LSTM_KIND, 'LSTM', options);
  }

  /** Returns [output, [h_n, c_n]]; output is a PackedSequence when the input was one. */
  forward<I extends Tensor | PackedSequence>(input: I, state?: readonly [Tensor, Tensor]): [I, [Tensor, Tensor]] {
    // A bare tensor here (h0 without c0) would otherwise read as "no state" and start from zeros.
    if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new ValueError(`LSTM: the state must be a pair [h0, c0] of tensors; got ${describeValue(state)}`);
    }
    const r = this.run(input, state?.[0], state?.[1]);
    return [r.output as I, [r.h, r.c!]];
  }
}

export class GRU extends RecurrentBase {
  constructor(options: RecurrentOptions) {
    super(GRU_KIND, 'GRU', options);
  }

  /** Returns [output, h_n]; output is a PackedSequence when the input was one. */
  forward<I extends Tensor | PackedSequence>(input: I, h0?: Tensor): [I, Tensor] {
    const r = this.run(input, h0, undefined);
    return [r.output as I, r.h];
  }
}
