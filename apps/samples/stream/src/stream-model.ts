// The stream forecaster: an LSTM reads one step per day ([B, T, F], batch first) and carries its
// (h, c) state from day to day; a Linear head maps each step's hidden state together with the
// step's own features to a correction of seasonal-naive for the next day. Starting near zero
// correction, it starts near the baseline. B streams, T steps, F features, H hidden, L layers.

import { LSTM, Linear, Module } from '@recur/cells';
import { backendOf, concat, scope, zeros, type Tensor } from '@recur/tensor';
import { STEP_FEATURES } from './stream-data.js';

export interface StreamModelOptions {
  readonly hiddenSize: number;
  readonly numLayers: number;
}

export type LstmState = readonly [Tensor, Tensor];

export class StreamModel extends Module {
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(options: StreamModelOptions) {
    super();
    this.lstm = this.registerModule(
      'lstm',
      new LSTM({
        inputSize: STEP_FEATURES,
        hiddenSize: options.hiddenSize,
        numLayers: options.numLayers,
        batchFirst: true,
      }),
    );
    // The features skip past the LSTM: averaging the same-weekday values is linear, the LSTM adds
    // what depends on the recent past (level shifts, the week after a holiday).
    this.head = this.registerModule('head', new Linear({ inFeatures: options.hiddenSize + STEP_FEATURES, outFeatures: 1 }));
  }

  /** A zero (h, c) for `batch` streams: [L, B, H] each, on the model's backend (not necessarily the active one). */
  initialState(batch: number): LstmState {
    const shape = [this.lstm.numLayers, batch, this.lstm.hiddenSize];
    const backend = backendOf('StreamModel.initialState', ...this.lstm.parameters());
    return [zeros(shape, { backend }), zeros(shape, { backend })];
  }

  /** steps [B, T, F] and (h, c) → corrections [B, T, 1] and the state after the last step. */
  forward(steps: Tensor, state: LstmState): [Tensor, LstmState] {
    return scope(() => {
      const [out, next] = this.lstm.forward(steps, state);
      return [this.head.forward(concat([out, steps], 2)), next];
    });
  }
}
