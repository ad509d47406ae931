// The seed's third reference model: a sequence tagger. Embedding → bidirectional LSTM (batch
// first) → Linear on every step, with hidden·2 features: [B, T] token ids → [B, T, C] logits.
// With `lengths` the batch is packed, so padding costs nothing and its logits equal fc.bias.

import { checkOptions, scope, type Tensor } from '@recur/tensor';
import { packPaddedSequence, padPackedSequence } from '@recur/sequence';
import { Module } from '../module.js';
import { Embedding } from '../modules/embedding.js';
import { Linear } from '../modules/linear.js';
import { LSTM } from '../rnn/layers.js';

export interface SequenceTaggerOptions {
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly numClasses: number;
  readonly numLayers?: number;
  readonly paddingIdx?: number;
  readonly dropout?: number;
}

export interface TaggerIntermediates {
  readonly embedded: Tensor;
  readonly lstmOutput: Tensor;
  readonly logits: Tensor;
}

export class SequenceTagger extends Module {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly fc: Linear;

  constructor(options: SequenceTaggerOptions) {
    super();
    options = checkOptions('SequenceTagger', options, [
      'vocabSize',
      'embeddingDim',
      'hiddenSize',
      'numClasses',
      'numLayers',
      'paddingIdx',
      'dropout',
    ]);
    this.embedding = this.registerModule(
      'embedding',
      new Embedding({
        numEmbeddings: options.vocabSize,
        embeddingDim: options.embeddingDim,
        paddingIdx: options.paddingIdx,
      }),
    );
    this.lstm = this.registerModule(
      'lstm',
      new LSTM({
        inputSize: options.embeddingDim,
        hiddenSize: options.hiddenSize,
        numLayers: options.numLayers ?? 1,
        dropout: options.dropout,
        bidirectional: true,
        batchFirst: true,
      }),
    );
    this.fc = this.registerModule('fc', new Linear({ inFeatures: options.hiddenSize * 2, outFeatures: options.numClasses }));
  }

  /** Every stage's output, for inspection and tests. */
  forwardWithIntermediates(tokens: Tensor, lengths?: Tensor | readonly number[]): TaggerIntermediates {
    return scope(() => {
      const embedded = this.embedding.forward(tokens);
      let lstmOutput: Tensor;
      if (lengths) {
        const packed = packPaddedSequence(embedded, lengths instanceof Array ? [...lengths] : lengths, {
          batchFirst: true,
          enforceSorted: false,
        });
        const [out] = this.lstm.forward(packed);
        [lstmOutput] = padPackedSequence(out, { batchFirst: true, totalLength: tokens.shape[1] });
      } else {
        [lstmOutput] = this.lstm.forward(embedded);
      }
      return { embedded, lstmOutput, logits: this.fc.forward(lstmOutput) };
    });
  }

  /** tokens [B, T] (int32) → logits [B, T, numClasses]; `lengths` packs the batch. */
  forward(tokens: Tensor, lengths?: Tensor | readonly number[]): Tensor {
    return scope(() => this.forwardWithIntermediates(tokens, lengths).logits);
  }
}
