// LayerNormLSTMCell and LayerNormLSTM: the layer-norm LSTM of PyTorch's benchmark suite
// (benchmarks/fastrnns/custom_lstms.py; equations in layer-norm-lstm-kind.ts) as one step and as
// a layer over time. Parameters weight_ih [4H, I], weight_hh [4H, H], layernorm_{i,h}.* [4H],
// layernorm_c.* [H]; one layer keeps these names, several are `layers.{k}.…` (StackedLSTM's list).

import {
  ShapeError,
  Tensor,
  ValueError,
  backendOf,
  checkOptions,
  describeValue,
  fmtShape,
  matmul,
  randn,
  scope,
  stack,
  zeros,
} from '@recur/tensor';
import type { PackedSequence } from '@recur/sequence';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { LayerNorm } from '../modules/layer-norm.js';
import { checkSize } from './weights.js';
import { layerNormLstmKind, layerNormLstmStep, type LayerNorms } from './layer-norm-lstm-kind.js';
import type { CellKind, DirectionWeights } from './cell-kind.js';
import { runDirection } from './scan-driver.js';
import { finishLayout, initialStates, sequenceLayout } from './sequence-layout.js';

export interface LayerNormLSTMCellOptions {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** ε of the three layer norms (default 1e-5, as nn.LayerNorm). */
  readonly layerNormEps?: number;
}

export interface LayerNormLSTMOptions extends LayerNormLSTMCellOptions {
  readonly numLayers?: number;
  readonly batchFirst?: boolean;
}

function checkEps(owner: string, eps: unknown): number {
  if (eps === undefined) return 1e-5;
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) {
    throw new ValueError(`${owner}: layerNormEps must be a finite number ≥ 0; got ${describeValue(eps)}`);
  }
  return eps;
}

export class LayerNormLSTMCell extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly layerNormEps: number;
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly layernormI: LayerNorm;
  readonly layernormH: LayerNorm;
  readonly layernormC: LayerNorm;
  /** What one step computes, for the scan driver. */
  readonly kind: CellKind;

  constructor(options: LayerNormLSTMCellOptions) {
    super();
    options = checkOptions('LayerNormLSTMCell', options, ['inputSize', 'hiddenSize', 'layerNormEps']);
    checkSize('LayerNormLSTMCell', 'inputSize', options.inputSize, 0);
    checkSize('LayerNormLSTMCell', 'hiddenSize', options.hiddenSize);
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.layerNormEps = checkEps('LayerNormLSTMCell', options.layerNormEps);
    const gates = 4 * this.hiddenSize;
    // N(0, 1) as custom_lstms.py; the layer norms remove the weights' scale anyway.
    this.weightIh = this.registerParameter('weight_ih', new Parameter(randn([gates, this.inputSize])));
    this.weightHh = this.registerParameter('weight_hh', new Parameter(randn([gates, this.hiddenSize])));
    const eps = this.layerNormEps;
    this.layernormI = this.registerModule('layernorm_i', new LayerNorm({ normalizedShape: gates, eps }));
    this.layernormH = this.registerModule('layernorm_h', new LayerNorm({ normalizedShape: gates, eps }));
    this.layernormC = this.registerModule('layernorm_c', new LayerNorm({ normalizedShape: this.hiddenSize, eps }));
    this.kind = layerNormLstmKind(this.norms, this.hiddenSize);
  }

  get norms(): LayerNorms {
    return { input: this.layernormI, hidden: this.layernormH, cell: this.layernormC };
  }

  /** The weights as the scan driver reads them (no biases: the layer norms' β take their place). */
  get directionWeights(): DirectionWeights {
    return { weightIh: this.weightIh, weightHh: this.weightHh, biasIh: null, biasHh: null, weightHr: null };
  }

  /** One step: input [B, I] (or [I]), state [h, c] of [B, H] (or [H]; zeros when absent) → [h', c']. */
  forward(input: Tensor, state?: readonly [Tensor, Tensor]): [Tensor, Tensor] {
    const owner = 'LayerNormLSTMCell';
    if (!(input instanceof Tensor)) {
      throw new ShapeError(
        `${owner}: expected a Tensor [batch, ${this.inputSize}] or [${this.inputSize}]; got ${describeValue(input)} (a cell runs one step: use LayerNormLSTM for sequences)`,
      );
    }
    if ((input.rank !== 1 && input.rank !== 2) || input.shape[input.rank - 1] !== this.inputSize) {
      throw new ShapeError(`${owner}: expected input [batch, ${this.inputSize}] or [${this.inputSize}]; got ${fmtShape(input.shape)}`);
    }
    if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new ValueError(`${owner}: the state must be a pair [h, c] of tensors; got ${describeValue(state)}`);
    }
    return scope(() => {
      const unbatched = input.rank === 1;
      const x = unbatched ? input.unsqueeze(0) : input;
      const batch = x.shape[0]!;
      const [h, c] = (['h', 'c'] as const).map((name, k) => {
        const given: unknown = state?.[k];
        const expected = unbatched ? [this.hiddenSize] : [batch, this.hiddenSize];
        if (given === undefined || given === null) return zeros([batch, this.hiddenSize], { backend: backendOf(owner, x) });
        if (!(given instanceof Tensor))
          throw new ValueError(`${owner}: ${name} must be a Tensor of shape ${fmtShape(expected)}; got ${describeValue(given)}`);
        if (given.rank !== expected.length || given.shape.some((d, i) => d !== expected[i])) {
          throw new ShapeError(`${owner}: expected ${name} of shape ${fmtShape(expected)}; got ${fmtShape(given.shape)}`);
        }
        return unbatched ? given.unsqueeze(0) : given;
      }) as [Tensor, Tensor];
      const next = layerNormLstmStep(matmul(x, this.weightIh.T), { h, c }, this.weightHh, this.norms);
      return unbatched ? [next.h.squeeze(0), next.c.squeeze(0)] : [next.h, next.c];
    });
  }
}

/** The cells of a multi-layer stack, named '0', '1', … (state-dict keys `layers.0.weight_ih`). */
class CellList extends Module {
  constructor(cells: readonly LayerNormLSTMCell[]) {
    super();
    cells.forEach((cell, k) => this.registerModule(String(k), cell));
  }
}

export class LayerNormLSTM extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly layerNormEps: number;
  /** One cell per layer (layer k > 0 reads layer k − 1's h). */
  readonly cells: readonly LayerNormLSTMCell[];

  constructor(options: LayerNormLSTMOptions) {
    super();
    options = checkOptions('LayerNormLSTM', options, ['inputSize', 'hiddenSize', 'numLayers', 'batchFirst', 'layerNormEps']);
    checkSize('LayerNormLSTM', 'inputSize', options.inputSize, 0);
    checkSize('LayerNormLSTM', 'hiddenSize', options.hiddenSize);
    checkSize('LayerNormLSTM', 'numLayers', options.numLayers ?? 1);
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.numLayers = options.numLayers ?? 1;
    this.batchFirst = options.batchFirst ?? false;
    this.layerNormEps = checkEps('LayerNormLSTM', options.layerNormEps);
    const cells = Array.from(
      { length: this.numLayers },
      (_, k) =>
        new LayerNormLSTMCell({
          inputSize: k === 0 ? this.inputSize : this.hiddenSize,
          hiddenSize: this.hiddenSize,
          layerNormEps: this.layerNormEps,
        }),
    );
    this.cells = cells;
    if (cells.length > 1) {
      this.registerModule('layers', new CellList(cells));
    } else {
      // One layer: the cell's own names, as the fixtures and custom_lstms.py's single cell.
      const cell = cells[0]!;
      this.registerParameter('weight_ih', cell.weightIh);
      this.registerParameter('weight_hh', cell.weightHh);
      this.registerModule('layernorm_i', cell.layernormI);
      this.registerModule('layernorm_h', cell.layernormH);
      this.registerModule('layernorm_c', cell.layernormC);
    }
  }

  /**
   * input [T, B, I] ([B, T, I] with batchFirst, [T, I] unbatched, or a PackedSequence); state
   * [h0, c0] of [L, B, H] (zeros when absent) → [output, [h_n, c_n]] with output [T, B, H].
   */
  forward<I extends Tensor | PackedSequence>(input: I, state?: readonly [Tensor, Tensor]): [I, [Tensor, Tensor]] {
    const owner = 'LayerNormLSTM';
    if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new ValueError(`${owner}: the state must be a pair [h0, c0] of tensors; got ${describeValue(state)}`);
    }
    return scope(() => {
      const layout = sequenceLayout(owner, input, this.inputSize, this.batchFirst);
      const h0 = initialStates(owner, 'h0', state?.[0], layout, this.numLayers, this.hiddenSize);
      const c0 = initialStates(owner, 'c0', state?.[1], layout, this.numLayers, this.hiddenSize);
      let data = layout.data;
      const lastH: Tensor[] = [];
      const lastC: Tensor[] = [];
      this.cells.forEach((cell, k) => {
        const result = runDirection(
          cell.kind,
          cell.directionWeights,
          data,
          layout.batchSizes,
          { h: h0.select(0, k), c: c0.select(0, k) },
          false,
        );
        data = result.output;
        lastH.push(result.last.h);
        lastC.push(result.last.c!);
      });
      const done = finishLayout(layout, data, [stack(lastH, 0), stack(lastC, 0)], this.batchFirst);
      return [done.output as I, [done.finals[0]!, done.finals[1]!]];
    });
  }
}
