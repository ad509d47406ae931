// The character model: Embedding → stacked LSTM (batch first) → Linear on every step. The
// (h, c) state goes in and comes out, so training can carry it across chunks and generation
// can feed one character at a time. B streams, T steps, V characters, L layers, H hidden.

import { Embedding, LSTM, Linear, Module } from '@recur/cells';
import { backendOf, scope, zeros, type Tensor } from '@recur/tensor';

export interface CharLmModelOptions {
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly dropout: number;
}

export type LstmState = readonly [Tensor, Tensor];

export class CharLmModel extends Module {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly fc: Linear;

  constructor(options: CharLmModelOptions) {
    super();
    this.embedding = this.registerModule(
      'embedding',
      new Embedding({ numEmbeddings: options.vocabSize, embeddingDim: options.embeddingDim }),
    );
    this.lstm = this.registerModule(
      'lstm',
      new LSTM({
        inputSize: options.embeddingDim,
        hiddenSize: options.hiddenSize,
        numLayers: options.numLayers,
        dropout: options.numLayers > 1 ? options.dropout : 0,
        batchFirst: true,
      }),
    );
    this.fc = this.registerModule('fc', new Linear({ inFeatures: options.hiddenSize, outFeatures: options.vocabSize }));
  }

  /** A zero (h, c) for `batch` streams: [L, B, H] each, on the model's backend (not necessarily the active one). */
  initialState(batch: number): LstmState {
    const shape = [this.lstm.numLayers, batch, this.lstm.hiddenSize];
    const backend = backendOf('CharLmModel.initialState', ...this.lstm.parameters());
    return [zeros(shape, { backend }), zeros(shape, { backend })];
  }

  /** ids [B, T] int32 and (h, c) → logits [B, T, V] and the state after the last step. */
  forward(ids: Tensor, state: LstmState): [Tensor, LstmState] {
    return scope(() => {
      const [out, next] = this.lstm.forward(this.embedding.forward(ids), state);
      return [this.fc.forward(out), next];
    });
  }
}
