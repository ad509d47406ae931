// The seed's second reference model: a stacked LSTM over [B, T, I] (batch first) started from
// explicit zero (h0, c0) of shape [numLayers, B, H], with a Linear head on the last step.

import { backendOf, checkOptions, scope, zeros, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';
import { Linear } from '../modules/linear.js';
import { LSTM } from '../rnn/layers.js';

export interface LSTMModelOptions {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly numLayers?: number;
  readonly dropout?: number;
}

export class LSTMModel extends Module {
  readonly lstm: LSTM;
  readonly fc: Linear;

  constructor(options: LSTMModelOptions) {
    super();
    options = checkOptions('LSTMModel', options, ['inputSize', 'hiddenSize', 'outputSize', 'numLayers', 'dropout']);
    this.lstm = this.registerModule(
      'lstm',
      new LSTM({
        inputSize: options.inputSize,
        hiddenSize: options.hiddenSize,
        numLayers: options.numLayers ?? 1,
        dropout: options.dropout,
        batchFirst: true,
      }),
    );
    this.fc = this.registerModule('fc', new Linear({ inFeatures: options.hiddenSize, outFeatures: options.outputSize }));
  }

  /** x [B, T, I] → [B, outputSize]. */
  forward(x: Tensor): Tensor {
    return scope(() => {
      const shape = [this.lstm.numLayers, x.shape[0]!, this.lstm.hiddenSize];
      const backend = backendOf('LSTMModel', x);
      const h0 = zeros(shape, { backend });
      const c0 = zeros(shape, { backend });
      const [out] = this.lstm.forward(x, [h0, c0]);
      return this.fc.forward(out.select(1, -1));
    });
  }
}
