// The forecaster: M independently initialised members averaged (a seed ensemble inside one
// model and one checkpoint). Each member's LSTM reads the L input days ([B, L, F], batch first);
// its head maps the last hidden state (after dropout) together with a linear highway over the
// window and the targets' calendar ([B, P], births-data.ts) to K corrections of seasonal-naive.
// The highway is LSTNet's autoregressive skip: the linear part a ridge model would fit, so the
// LSTM only has to learn what it misses. H hidden size, K horizon, P highway features.

import { Dropout, LSTM, Linear, Module } from '@recur/cells';
import { concat, scope, stack, type Tensor } from '@recur/tensor';
import { STEP_FEATURES, highwaySize } from './births-data.js';

export interface BirthsModelOptions {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly lookback: number;
  readonly horizon: number;
  /** On the LSTM's last hidden state before the head (and between stacked layers). */
  readonly dropout: number;
  /** Ensemble members, each trained on its own loss. */
  readonly members: number;
}

export class BirthsMember extends Module {
  readonly lstm: LSTM;
  readonly drop: Dropout;
  readonly head: Linear;

  constructor(options: BirthsModelOptions) {
    super();
    this.lstm = this.registerModule(
      'lstm',
      new LSTM({
        inputSize: STEP_FEATURES,
        hiddenSize: options.hiddenSize,
        numLayers: options.numLayers,
        dropout: options.numLayers > 1 ? options.dropout : 0,
        batchFirst: true,
      }),
    );
    this.drop = this.registerModule('drop', new Dropout({ p: options.dropout }));
    this.head = this.registerModule(
      'head',
      new Linear({ inFeatures: options.hiddenSize + highwaySize(options.lookback, options.horizon), outFeatures: options.horizon }),
    );
  }

  /** inputs [B, L, F], highway [B, P] → corrections [B, K]. */
  forward(inputs: Tensor, highway: Tensor): Tensor {
    return scope(() => {
      const [, [hN]] = this.lstm.forward(inputs);
      return this.head.forward(concat([this.drop.forward(hN.select(0, -1)), highway], 1));
    });
  }
}

export class BirthsModel extends Module {
  readonly members: readonly BirthsMember[];

  constructor(options: BirthsModelOptions) {
    super();
    this.members = Array.from({ length: options.members }, (_, m) => this.registerModule(`member${m}`, new BirthsMember(options)));
  }

  /** Each member's corrections [B, K], for training each on its own loss. */
  forwardMembers(inputs: Tensor, highway: Tensor): Tensor[] {
    return this.members.map((member) => member.forward(inputs, highway));
  }

  /** The ensemble's corrections [B, K]: the members' mean. */
  forward(inputs: Tensor, highway: Tensor): Tensor {
    return scope(() => {
      const outputs = this.forwardMembers(inputs, highway);
      return outputs.length === 1 ? outputs[0]! : stack(outputs, 0).mean({ axis: 0 });
    });
  }
}
