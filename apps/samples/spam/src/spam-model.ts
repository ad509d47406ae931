// The classifier: Embedding → packed LSTM or GRU → Linear on each message's last real step.
// Ids come padded [B, T] with lengths; packing (enforceSorted false) means padding is never
// read and h_n holds the state at each sequence's own end. B batch, T longest, E embedding, H hidden.

import { GRU, LSTM, Linear, Embedding, Module } from '@recur/cells';
import { packPaddedSequence } from '@recur/sequence';
import { scope, type Tensor } from '@recur/tensor';

export interface SpamModelOptions {
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly cell: 'lstm' | 'gru';
}

export class SpamClassifier extends Module {
  readonly embedding: Embedding;
  readonly rnn: LSTM | GRU;
  readonly fc: Linear;

  constructor(options: SpamModelOptions) {
    super();
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: options.vocabSize, embeddingDim: options.embeddingDim, paddingIdx: 0 }));
    const layer = { inputSize: options.embeddingDim, hiddenSize: options.hiddenSize, numLayers: options.numLayers, batchFirst: true };
    this.rnn = this.registerModule('rnn', options.cell === 'gru' ? new GRU(layer) : new LSTM(layer));
    this.fc = this.registerModule('fc', new Linear({ inFeatures: options.hiddenSize, outFeatures: 2 }));
  }

  /** ids int32 [B, T], lengths [B] → logits [B, 2] (ham, spam). */
  forward(ids: Tensor, lengths: Int32Array): Tensor {
    return scope(() => {
      const packed = packPaddedSequence(this.embedding.forward(ids), lengths, { batchFirst: true, enforceSorted: false });
      const hN = this.rnn instanceof LSTM ? this.rnn.forward(packed)[1][0] : this.rnn.forward(packed)[1];
      return this.fc.forward(hN.select(0, -1));
    });
  }
}
