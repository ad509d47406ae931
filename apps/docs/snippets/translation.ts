// Machine translation from the seed: an LSTM encoder reads the source and hands its final
// (hidden, cell) to an LSTM decoder, which predicts the target one token at a time. S source
// length, T target length, V vocabulary, E embedding, H hidden.

// #region example
import { cpu } from '@recur/backend-cpu';
import { Embedding, LSTM, Linear, Module, crossEntropy } from '@recur/cells';
import { randint, registerBackend, useBackend, type Tensor } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

class Encoder extends Module {
  readonly embedding: Embedding;
  readonly rnn: LSTM;
  constructor(vocabSize: number, embeddingDim: number, hiddenSize: number) {
    super();
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: vocabSize, embeddingDim }));
    this.rnn = this.registerModule('rnn', new LSTM({ inputSize: embeddingDim, hiddenSize, batchFirst: true }));
  }
  /** source ids [B, S] → every step's output [B, S, H] and the final (hidden, cell). */
  forward(source: Tensor): [Tensor, [Tensor, Tensor]] {
    return this.rnn.forward(this.embedding.forward(source));
  }
}

class Decoder extends Module {
  readonly embedding: Embedding;
  readonly rnn: LSTM;
  readonly fc: Linear;
  constructor(vocabSize: number, embeddingDim: number, hiddenSize: number) {
    super();
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: vocabSize, embeddingDim }));
    this.rnn = this.registerModule('rnn', new LSTM({ inputSize: embeddingDim, hiddenSize, batchFirst: true }));
    this.fc = this.registerModule('fc', new Linear({ inFeatures: hiddenSize, outFeatures: vocabSize }));
  }
  /** target ids [B, T] (shifted right) and the encoder's state → logits [B, T, V] and the new state. */
  forward(target: Tensor, state: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const [output, next] = this.rnn.forward(this.embedding.forward(target), state);
    return [this.fc.forward(output), next];
  }
}

const [V, E, H] = [40, 16, 32];
const encoder = new Encoder(V, E, H);
const decoder = new Decoder(V, E, H);
const source = randint(0, V, [4, 7], { dtype: 'int32' }); // 4 sentences of 7 tokens
const target = randint(0, V, [4, 6], { dtype: 'int32' });

const [, state] = encoder.forward(source); // (hidden, cell), each [1, 4, H]
const decoderInput = target.narrow(1, 0, 5); // teacher forcing: the target shifted right
const [logits] = decoder.forward(decoderInput, state);
const loss = crossEntropy(logits.reshape([-1, V]), target.narrow(1, 1, 5).reshape([-1]));
loss.backward(); // gradients reach the encoder through the handed-over state
console.log(logits.shape, loss.itemSync() > 0, encoder.rnn.stateDict().weight_hh_l0!.grad !== null); // [4, 5, 40] true true
// #endregion example
export const logitsShape = logits.shape;
