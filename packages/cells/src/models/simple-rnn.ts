// The seed tutorial's first reference model: a vanilla RNN over [B, T, I] (batch first) whose
// last time step feeds a Linear classifier/regressor: ŷ = W_hy·h_T + b_y. Keys rnn.*, fc.*.

import { backendOf, checkOptions, scope, zeros, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';
import { Linear } from '../modules/linear.js';
import { RNN } from '../rnn/layers.js';
import type { Nonlinearity } from '../rnn/steps.js';

export interface SimpleRNNOptions {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly nonlinearity?: Nonlinearity;
}

export class SimpleRNN extends Module {
  readonly rnn: RNN;
  readonly fc: Linear;

  constructor(options: SimpleRNNOptions) {
    super();
    options = checkOptions('SimpleRNN', options, ['inputSize', 'hiddenSize', 'outputSize', 'nonlinearity']);
    this.rnn = this.registerModule(
      'rnn',
      new RNN({ inputSize: options.inputSize, hiddenSize: options.hiddenSize, batchFirst: true, nonlinearity: options.nonlinearity }),
    );
    this.fc = this.registerModule('fc', new Linear({ inFeatures: options.hiddenSize, outFeatures: options.outputSize }));
  }

  /** x [B, T, I] → [B, outputSize], from the last time step only. */
  forward(x: Tensor): Tensor {
    return scope(() => {
      // The seed passes an explicit zero initial state.
      const h0 = zeros([1, x.shape[0]!, this.rnn.hiddenSize], { backend: backendOf('SimpleRNN', x) });
      const [out] = this.rnn.forward(x, h0);
      return this.fc.forward(out.select(1, -1));
    });
  }
}
