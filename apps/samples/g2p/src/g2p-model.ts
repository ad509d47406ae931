// The encoder–decoder: letters → Embedding → LSTM encoder (packed) whose final (h, c) starts the
// decoder, as in the seed's translation model (a BiLSTM's two directions side by side); the decoder is an LSTMCell run one phoneme at a
// time with attention over the encoder's states (Luong with input feeding: the previous step's
// attentional vector ã joins the phoneme embedding). B batch, S letters, T phonemes, E embedding,
// H hidden, V phonemes in the vocabulary; k_s encoder state s, h_t decoder state, α_t weights.

import { Dropout, Embedding, LSTM, LSTMCell, Linear, Module } from '@recur/cells';
import { packPaddedSequence, padPackedSequence } from '@recur/sequence';
import { concat, fromTypedArray, scope, stack, zeros, type Tensor } from '@recur/tensor';
import type { G2pAttention } from './g2p-config.js';

export interface G2pModelOptions {
  readonly letters: number;
  readonly phonemes: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly attention: G2pAttention;
  readonly dropout: number;
  /** A BiLSTM encoder of H/2 per direction (keys and hand-over are both directions side by side: H); absent = one direction of H. */
  readonly bidirectional?: boolean;
}

/** What the decoder attends to, computed once per batch of words. */
export interface Memory {
  /** k: encoder states [B, S, H] (zeros on padding). */
  readonly keys: Tensor;
  /** W_k·k for additive attention [B, S, H]; null for dot. */
  readonly projected: Tensor | null;
  /** 0 on letters, -1e9 on padding [B, 1, S]: added to the scores so padding gets no weight. */
  readonly maskBias: Tensor;
}

/** The decoder's recurrent state: (h, c) and the last attentional vector ã, each [B, H]. */
export interface DecoderState {
  readonly h: Tensor;
  readonly c: Tensor;
  readonly feed: Tensor;
}

export interface DecoderStep {
  /** Next-phoneme logits [B, V]. */
  readonly logits: Tensor;
  /** α_t: attention over the letters [B, S]. */
  readonly weights: Tensor;
  readonly state: DecoderState;
}

const NEG = -1e9;

export class G2pModel extends Module {
  readonly letterEmbedding: Embedding;
  readonly encoder: LSTM;
  readonly phonemeEmbedding: Embedding;
  readonly decoder: LSTMCell;
  readonly keyProjection: Linear | null;
  readonly queryProjection: Linear | null;
  readonly score: Linear | null;
  readonly combine: Linear;
  readonly dropout: Dropout;
  readonly output: Linear;
  readonly attention: G2pAttention;

  constructor(readonly options: G2pModelOptions) {
    super();
    const { embeddingDim: E, hiddenSize: H } = options;
    this.attention = options.attention;
    this.letterEmbedding = this.registerModule(
      'letterEmbedding',
      new Embedding({ numEmbeddings: options.letters, embeddingDim: E, paddingIdx: 0 }),
    );
    // Bidirectional: each direction H/2, so the keys [B, S, H] and the decoder keep H (OpenNMT's brnn).
    const bidirectional = options.bidirectional ?? false;
    this.encoder = this.registerModule(
      'encoder',
      new LSTM({ inputSize: E, hiddenSize: bidirectional ? H / 2 : H, batchFirst: true, bidirectional }),
    );
    this.phonemeEmbedding = this.registerModule(
      'phonemeEmbedding',
      new Embedding({ numEmbeddings: options.phonemes, embeddingDim: E, paddingIdx: 0 }),
    );
    this.decoder = this.registerModule('decoder', new LSTMCell({ inputSize: E + H, hiddenSize: H }));
    const additive = options.attention === 'additive';
    this.keyProjection = additive ? this.registerModule('keyProjection', new Linear({ inFeatures: H, outFeatures: H, bias: false })) : null;
    this.queryProjection = additive ? this.registerModule('queryProjection', new Linear({ inFeatures: H, outFeatures: H })) : null;
    this.score = additive ? this.registerModule('score', new Linear({ inFeatures: H, outFeatures: 1, bias: false })) : null;
    this.combine = this.registerModule('combine', new Linear({ inFeatures: 2 * H, outFeatures: H }));
    this.dropout = this.registerModule('dropout', new Dropout({ p: options.dropout }));
    this.output = this.registerModule('output', new Linear({ inFeatures: H, outFeatures: options.phonemes }));
  }

  /** letters [B, S] int32 (0-padded) with their lengths → the memory and the decoder's first state. */
  encode(letters: Tensor, lengths: readonly number[]): { memory: Memory; state: DecoderState } {
    return scope(() => {
      const [batch, steps] = letters.shape as [number, number];
      const packed = packPaddedSequence(this.letterEmbedding.forward(letters), [...lengths], { batchFirst: true, enforceSorted: false });
      const [out, [hN, cN]] = this.encoder.forward(packed);
      const [keys] = padPackedSequence(out, { batchFirst: true, totalLength: steps });
      const bias = new Float32Array(batch * steps);
      lengths.forEach((length, b) => bias.fill(NEG, b * steps + length, (b + 1) * steps));
      const memory: Memory = {
        keys,
        projected: this.keyProjection ? this.keyProjection.forward(keys) : null,
        maskBias: fromTypedArray(bias, [batch, 1, steps]),
      };
      // The seed's hand-over: the encoder's final (h, c) is the decoder's initial state. A BiLSTM's
      // h_n has a row per direction [2, B, H/2]: the bridge puts them side by side, [h_fwd; h_bwd]
      // [B, H] — the forward state after the last letter, the backward one after the first.
      const bridge = (x: Tensor) => (this.encoder.bidirectional ? concat([x.select(0, 0), x.select(0, 1)], 1) : x.select(0, 0));
      const state: DecoderState = { h: bridge(hN), c: bridge(cN), feed: zeros([batch, this.options.hiddenSize]) };
      return { memory, state };
    });
  }

  /** One decoder step from the previous phonemes [B] int32. */
  step(previous: Tensor, state: DecoderState, memory: Memory): DecoderStep {
    return scope(() => {
      const input = concat([this.phonemeEmbedding.forward(previous), state.feed], 1);
      const [h, c] = this.decoder.forward(input, [state.h, state.c]);
      const weights = this.attend(h, memory);
      const context = weights.matmul(memory.keys).squeeze(1);
      const feed = this.combine.forward(concat([h, context], 1)).tanh();
      const logits = this.output.forward(this.dropout.forward(feed));
      return { logits, weights: weights.squeeze(1), state: { h, c, feed } };
    });
  }

  /** α_t = softmax over letters of score(h_t, k_s), as [B, 1, S]. */
  attend(h: Tensor, memory: Memory): Tensor {
    return scope(() => {
      let scores: Tensor;
      if (this.queryProjection && memory.projected && this.score) {
        // Additive: vᵀ·tanh(W_q·h + W_k·k_s), W_k·k precomputed once per batch.
        const query = this.queryProjection.forward(h).unsqueeze(1);
        scores = this.score.forward(memory.projected.add(query).tanh()).transpose(1, 2);
      } else {
        // Dot: h·k_s, one batched matmul [B, 1, H]·[B, H, S].
        scores = h.unsqueeze(1).matmul(memory.keys.transpose(1, 2));
      }
      return scores.add(memory.maskBias).softmax(-1);
    });
  }

  /**
   * Teacher forcing: the decoder reads the true previous phoneme (<BOS> first) at every step.
   * inputs [B, T] int32 → logits [B, T, V].
   */
  forward(letters: Tensor, lengths: readonly number[], inputs: Tensor): Tensor {
    return scope(() => {
      const { memory, state: first } = this.encode(letters, lengths);
      let state = first;
      const logits: Tensor[] = [];
      for (let t = 0; t < inputs.shape[1]!; t++) {
        const step = this.step(inputs.select(1, t).contiguous(), state, memory);
        logits.push(step.logits);
        state = step.state;
      }
      return stack(logits, 1);
    });
  }
}
