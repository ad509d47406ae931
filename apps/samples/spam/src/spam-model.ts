// The classifier: Embedding → packed LSTM or GRU → pooling → Linear. Ids come padded [B, T] with
// lengths; packing (enforceSorted false) means padding is never read. Pooling 'last': h_n, the
// state at each sequence's own end. Pooling 'attention': a bidirectional layer, and additive
// attention over its states s_t [B, T, 2H] with the final states [h_n fwd | h_n bwd] as query,
// α_t = softmax_t(v·tanh(W_q q + W_k s_t + b)) over real steps only (padding masked), pooled
// Σ_t α_t s_t. Dropout (p, training only) on the embeddings and on the pooled features.
// B batch, T longest, E embedding, H hidden.

import { AdditiveAttention, Dropout, GRU, LSTM, Linear, Embedding, Module } from '@recur/cells';
import { packPaddedSequence, padPackedSequence } from '@recur/sequence';
import { arange, backendOf, fromTypedArray, scope, type Tensor } from '@recur/tensor';

export type SpamPooling = 'last' | 'attention';

export interface SpamModelOptions {
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly cell: 'lstm' | 'gru';
  /** 'last' (default): the last step's state; 'attention': attention over a BiLSTM/BiGRU's states. */
  readonly pooling?: SpamPooling;
  /** Dropout probability on the embeddings and on the pooled features (default 0). */
  readonly dropout?: number;
}

export class SpamClassifier extends Module {
  readonly pooling: SpamPooling;
  readonly embedding: Embedding;
  readonly rnn: LSTM | GRU;
  readonly attention: AdditiveAttention | null;
  readonly fc: Linear;
  // Parameter-free: checkpoints saved before dropout existed load unchanged.
  readonly drop: Dropout;

  constructor(options: SpamModelOptions) {
    super();
    this.pooling = options.pooling ?? 'last';
    const bidirectional = this.pooling === 'attention';
    const features = options.hiddenSize * (bidirectional ? 2 : 1);
    this.embedding = this.registerModule(
      'embedding',
      new Embedding({ numEmbeddings: options.vocabSize, embeddingDim: options.embeddingDim, paddingIdx: 0 }),
    );
    const layer = {
      inputSize: options.embeddingDim,
      hiddenSize: options.hiddenSize,
      numLayers: options.numLayers,
      batchFirst: true,
      bidirectional,
    };
    this.rnn = this.registerModule('rnn', options.cell === 'gru' ? new GRU(layer) : new LSTM(layer));
    this.attention = bidirectional
      ? this.registerModule(
          'attention',
          new AdditiveAttention({ querySize: features, keySize: features, attentionSize: options.hiddenSize }),
        )
      : null;
    this.fc = this.registerModule('fc', new Linear({ inFeatures: features, outFeatures: 2 }));
    this.drop = this.registerModule('drop', new Dropout({ p: options.dropout ?? 0 }));
  }

  /** ids int32 [B, T], lengths [B] → logits [B, 2] (ham, spam). */
  forward(ids: Tensor, lengths: Int32Array): Tensor {
    return scope(() => this.forwardWithWeights(ids, lengths).logits);
  }

  /**
   * The logits [B, 2] and, with attention pooling, the weights [B, T] each step got (0 on
   * padding; each row sums to 1). With last-state pooling `weights` is null.
   */
  forwardWithWeights(ids: Tensor, lengths: Int32Array): { logits: Tensor; weights: Tensor | null } {
    return scope(() => {
      const packed = packPaddedSequence(this.drop.forward(this.embedding.forward(ids)), lengths, {
        batchFirst: true,
        enforceSorted: false,
      });
      const [output, state] = this.rnn instanceof LSTM ? this.rnn.forward(packed) : this.rnn.forward(packed);
      const hN = this.rnn instanceof LSTM ? (state as [Tensor, Tensor])[0] : (state as Tensor);
      if (!this.attention) return { logits: this.fc.forward(this.drop.forward(hN.select(0, -1))), weights: null };
      // h_n rows are layer·2 + direction: the top layer's forward and reverse final states.
      const layers = hN.shape[0]!;
      const query = hN
        .narrow(0, layers - 2, 2)
        .permute([1, 0, 2])
        .reshape([hN.shape[1]!, 1, -1]); // [B, 1, 2H]
      const [states] = padPackedSequence(output as Parameters<typeof padPackedSequence>[0], {
        batchFirst: true,
        totalLength: ids.shape[1]!,
      }); // [B, T, 2H]
      const backend = backendOf('SpamClassifier', ids);
      const mask = arange(0, ids.shape[1]!, 1, { dtype: 'int32', backend })
        .reshape([1, -1])
        .lt(fromTypedArray(Int32Array.from(lengths), [lengths.length, 1], { backend }));
      const [pooled, weights] = this.attention.forward(query, states, states, { mask });
      return { logits: this.fc.forward(this.drop.forward(pooled.squeeze(1))), weights: weights.squeeze(1) };
    });
  }
}
