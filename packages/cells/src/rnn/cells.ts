// Single-step cells: RNNCell (tanh or relu), LSTMCell, GRUCell — PyTorch's nn.*Cell with its
// parameter names (weight_ih, weight_hh, bias_ih, bias_hh). Input [B, I] or unbatched [I];
// state [B, H] or [H]. B batch, I input size, H hidden size.

import { ValueError, describeValue, checkOptions, ShapeError, Tensor, add, backendOf, fmtShape, matmul, scope, zeros } from '@recur/tensor';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { checkSize, createRecurrentWeights, GATES } from './weights.js';
import { gruStep, lstmStep, rnnStep, type Nonlinearity } from './steps.js';

export interface CellOptions {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias?: boolean;
}

abstract class CellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | null;
  readonly biasHh: Parameter | null;

  constructor(
    protected readonly cellName: string,
    gates: number,
    options: CellOptions,
  ) {
    super();
    options = checkOptions(cellName, options, ['inputSize', 'hiddenSize', 'bias', ...(cellName === 'RNNCell' ? ['nonlinearity'] : [])]);
    checkSize(cellName, 'inputSize', options.inputSize, 0);
    checkSize(cellName, 'hiddenSize', options.hiddenSize);
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.bias = options.bias ?? true;
    const w = createRecurrentWeights(gates, this.inputSize, this.hiddenSize, this.hiddenSize, this.bias);
    this.weightIh = this.registerParameter('weight_ih', w.weightIh);
    this.weightHh = this.registerParameter('weight_hh', w.weightHh);
    this.biasIh = this.registerParameter('bias_ih', w.biasIh);
    this.biasHh = this.registerParameter('bias_hh', w.biasHh);
  }

  /** The input as [B, I] and whether it was unbatched; a typed error for anything else. */
  protected batched(input: unknown): { x: Tensor; unbatched: boolean } {
    if (!(input instanceof Tensor)) {
      const what = input === null || typeof input !== 'object' ? typeof input : (input.constructor?.name ?? 'object');
      throw new ShapeError(
        `${this.cellName}: expected a Tensor [batch, ${this.inputSize}] or [${this.inputSize}]; got a ${what} (a cell runs one step: use the layer for sequences)`,
      );
    }
    if ((input.rank !== 1 && input.rank !== 2) || input.shape[input.rank - 1] !== this.inputSize) {
      throw new ShapeError(
        `${this.cellName}: expected input [batch, ${this.inputSize}] or [${this.inputSize}]; got ${fmtShape(input.shape)}`,
      );
    }
    return input.rank === 1 ? { x: input.unsqueeze(0), unbatched: true } : { x: input, unbatched: false };
  }

  /** A state tensor as [B, H] (zeros on the input's backend when absent), checked against the batch size. */
  protected state(name: string, value: Tensor | undefined, x: Tensor, unbatched: boolean): Tensor {
    const batch = x.shape[0]!;
    const expected = unbatched ? [this.hiddenSize] : [batch, this.hiddenSize];
    if (value === undefined || value === null) return zeros([batch, this.hiddenSize], { backend: backendOf(this.cellName, x) });
    if (!(value instanceof Tensor)) {
      throw new ValueError(`${this.cellName}: ${name} must be a Tensor of shape ${fmtShape(expected)}; got ${describeValue(value)}`);
    }
    if (value.rank !== expected.length || value.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(`${this.cellName}: expected ${name} of shape ${fmtShape(expected)}; got ${fmtShape(value.shape)}`);
    }
    return unbatched ? value.unsqueeze(0) : value;
  }

  protected inputProjection(x: Tensor): Tensor {
    const gx = matmul(x, this.weightIh.T);
    return this.biasIh ? add(gx, this.biasIh) : gx;
  }
}

export class RNNCell extends CellBase {
  readonly nonlinearity: Nonlinearity;

  constructor(options: CellOptions & { nonlinearity?: Nonlinearity }) {
    super('RNNCell', GATES.RNN_TANH, options);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new ShapeError(`RNNCell: nonlinearity must be 'tanh' or 'relu'; got '${String(this.nonlinearity)}'`);
    }
  }

  forward(input: Tensor, hx?: Tensor): Tensor {
    return scope(() => {
      const { x, unbatched } = this.batched(input);
      const h = this.state('hx', hx, x, unbatched);
      const next = rnnStep(this.inputProjection(x), h, this.weightHh, this.biasHh, this.nonlinearity);
      return unbatched ? next.squeeze(0) : next;
    });
  }
}

export class LSTMCell extends CellBase {
  constructor(options: CellOptions) {
    super('LSTMCell', GATES.LSTM, options);
  }

  /** One step: returns [h', c']. */
  forward(input: Tensor, state?: readonly [Tensor, Tensor]): [Tensor, Tensor] {
    return scope(() => {
      const { x, unbatched } = this.batched(input);
      if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
        throw new ValueError(`LSTMCell: the state must be a pair [h0, c0] of tensors; got ${describeValue(state)}`);
      }
      const h = this.state('h0', state?.[0], x, unbatched);
      const c = this.state('c0', state?.[1], x, unbatched);
      const next = lstmStep(this.inputProjection(x), { h, c }, this.weightHh, this.biasHh, null);
      return unbatched ? [next.h.squeeze(0), next.c.squeeze(0)] : [next.h, next.c];
    });
  }
}

export class GRUCell extends CellBase {
  constructor(options: CellOptions) {
    super('GRUCell', GATES.GRU, options);
  }

  forward(input: Tensor, hx?: Tensor): Tensor {
    return scope(() => {
      const { x, unbatched } = this.batched(input);
      const h = this.state('hx', hx, x, unbatched);
      const next = gruStep(this.inputProjection(x), h, this.weightHh, this.biasHh);
      return unbatched ? next.squeeze(0) : next;
    });
  }
}
