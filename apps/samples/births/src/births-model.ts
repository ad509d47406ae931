// The forecaster: an LSTM reads the L input days ([B, L, F], batch first); a Linear head maps
// its last hidden state together with the target days' calendar ([B, 4K]) to K corrections of
// seasonal-naive. Starting near zero correction, it starts near the baseline and learns what
// the baseline misses (noise across weeks, holidays). H hidden size, K horizon.

import { LSTM, Linear, Module } from '@recur/cells';
import { concat, scope, type Tensor } from '@recur/tensor';
import { STEP_FEATURES } from './births-data.js';

export interface BirthsModelOptions {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly horizon: number;
}

export class BirthsModel extends Module {
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(options: BirthsModelOptions) {
    super();
    this.lstm = this.registerModule('lstm', new LSTM({
      inputSize: STEP_FEATURES,
      hiddenSize: options.hiddenSize,
      numLayers: options.numLayers,
      batchFirst: true,
    }));
    this.head = this.registerModule('head', new Linear({ inFeatures: options.hiddenSize + 4 * options.horizon, outFeatures: options.horizon }));
  }

  /** inputs [B, L, F], calendar [B, 4K] → corrections [B, K]. */
  forward(inputs: Tensor, calendar: Tensor): Tensor {
    return scope(() => {
      const [, [hN]] = this.lstm.forward(inputs);
      const last = hN.select(0, -1);
      return this.head.forward(concat([last, calendar], 1));
    });
  }
}
