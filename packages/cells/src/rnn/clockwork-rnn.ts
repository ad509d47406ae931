// ClockworkRNN (Koutník et al. 2014): a tanh RNN whose H = g·m hidden units form g modules of m
// units with ascending periods p_k; module k updates at 0-based steps t with t mod p_k = 0 and
// keeps its state otherwise, and hears only itself and slower modules: block (k, l) of W_hh is
// used iff p_l ≥ p_k (the mask M; masked entries get gradient 0). Parameters weight_ih [H, I],
// weight_hh [H, H], bias_ih, bias_hh [H]; input [T, B, I] (batchFirst, unbatched, packed), h0 [1, B, H].

import { Tensor, ValueError, backendOf, checkOptions, describeValue, mul, scope, stack, tensor } from '@recur/tensor';
import type { PackedSequence } from '@recur/sequence';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { checkSize, createRecurrentWeights } from './weights.js';
import { clockworkKind } from './clockwork-kind.js';
import type { CellKind, DirectionWeights } from './cell-kind.js';
import { runDirection } from './scan-driver.js';
import { finishLayout, initialStates, sequenceLayout } from './sequence-layout.js';

export interface ClockworkRNNOptions {
  readonly inputSize: number;
  /** H = periods.length · moduleSize; give it, moduleSize, or both (then they must agree). */
  readonly hiddenSize?: number;
  /** The period of each module, ascending (non-decreasing), positive integers. */
  readonly periods: readonly number[];
  /** m, the units per module (default hiddenSize / periods.length). */
  readonly moduleSize?: number;
  readonly bias?: boolean;
  readonly batchFirst?: boolean;
}

function checkPeriods(periods: unknown): number[] {
  if (!Array.isArray(periods) || periods.length === 0 || periods.some((p) => typeof p !== 'number' || !Number.isInteger(p) || p < 1)) {
    throw new ValueError(`ClockworkRNN: periods must be a non-empty array of positive integers; got ${describeValue(periods)}`);
  }
  for (let k = 1; k < periods.length; k++) {
    if (periods[k] < periods[k - 1]) throw new ValueError(`ClockworkRNN: periods must be ascending; got [${periods.join(', ')}]`);
  }
  return [...(periods as number[])];
}

export class ClockworkRNN extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly periods: readonly number[];
  readonly moduleSize: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | null;
  readonly biasHh: Parameter | null;
  readonly kind: CellKind;

  constructor(options: ClockworkRNNOptions) {
    super();
    const owner = 'ClockworkRNN';
    options = checkOptions(owner, options, ['inputSize', 'hiddenSize', 'periods', 'moduleSize', 'bias', 'batchFirst']);
    checkSize(owner, 'inputSize', options.inputSize, 0);
    const periods = checkPeriods(options.periods);
    const modules = periods.length;
    if (options.hiddenSize === undefined && options.moduleSize === undefined) {
      throw new ValueError(`${owner}: give hiddenSize or moduleSize (hiddenSize = periods.length · moduleSize)`);
    }
    if (options.hiddenSize !== undefined) checkSize(owner, 'hiddenSize', options.hiddenSize);
    if (options.moduleSize !== undefined) checkSize(owner, 'moduleSize', options.moduleSize);
    const moduleSize = options.moduleSize ?? options.hiddenSize! / modules;
    const hiddenSize = options.hiddenSize ?? moduleSize * modules;
    if (!Number.isInteger(moduleSize) || moduleSize * modules !== hiddenSize) {
      throw new ValueError(
        `${owner}: hiddenSize must be periods.length · moduleSize; got hiddenSize ${hiddenSize}, ${modules} periods${options.moduleSize !== undefined ? `, moduleSize ${options.moduleSize}` : ''}`,
      );
    }
    this.inputSize = options.inputSize;
    this.hiddenSize = hiddenSize;
    this.periods = periods;
    this.moduleSize = moduleSize;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    const w = createRecurrentWeights(1, this.inputSize, hiddenSize, hiddenSize, this.bias);
    this.weightIh = this.registerParameter('weight_ih', w.weightIh);
    this.weightHh = this.registerParameter('weight_hh', w.weightHh);
    this.biasIh = this.registerParameter('bias_ih', w.biasIh);
    this.biasHh = this.registerParameter('bias_hh', w.biasHh);
    this.kind = clockworkKind(periods, moduleSize);
  }

  /** M [H, H]: 1 where row r's module hears column c's module (p_{module(c)} ≥ p_{module(r)}). */
  mask(): Tensor {
    const H = this.hiddenSize;
    const values = new Float32Array(H * H);
    const period = (unit: number) => this.periods[Math.floor(unit / this.moduleSize)]!;
    for (let r = 0; r < H; r++) for (let c = 0; c < H; c++) values[r * H + c] = period(c) >= period(r) ? 1 : 0;
    return tensor(values, { shape: [H, H], backend: backendOf('ClockworkRNN.mask', this.weightHh) });
  }

  /** input [T, B, I] ([B, T, I] with batchFirst, [T, I] unbatched, or packed), h0 [1, B, H] → [output, h_n]. */
  forward<I extends Tensor | PackedSequence>(input: I, h0?: Tensor): [I, Tensor] {
    const owner = 'ClockworkRNN';
    return scope(() => {
      const layout = sequenceLayout(owner, input, this.inputSize, this.batchFirst);
      const initial = initialStates(owner, 'h0', h0, layout, 1, this.hiddenSize);
      // The masked W_hh is an ordinary product, so masked entries get gradient 0 through it.
      const weights: DirectionWeights = {
        weightIh: this.weightIh,
        weightHh: mul(this.weightHh, this.mask()) as Parameter,
        biasIh: this.biasIh,
        biasHh: this.biasHh,
        weightHr: null,
      };
      const result = runDirection(this.kind, weights, layout.data, layout.batchSizes, { h: initial.select(0, 0), c: null }, false);
      const done = finishLayout(layout, result.output, [stack([result.last.h], 0)], this.batchFirst);
      return [done.output as I, done.finals[0]!];
    });
  }
}
