// The seed's three reference models ship ready-made in @recur/cells: SimpleRNN (classify from
// the last step), LSTMModel (stacked, explicit zero h0/c0) and SequenceTagger (Embedding →
// bidirectional LSTM → Linear on every step, hidden·2 features).

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTMModel, SequenceTagger, SimpleRNN } from '@recur/cells';
import { randn, registerBackend, tensor, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

const classifier = new SimpleRNN({ inputSize: 10, hiddenSize: 20, outputSize: 2 });
console.log(classifier.forward(randn([8, 15, 10])).shape); // [8, 2]

const regressor = new LSTMModel({ inputSize: 1, hiddenSize: 32, outputSize: 1, numLayers: 2 });
console.log(regressor.forward(randn([16, 10, 1])).shape); // [16, 1]

const tagger = new SequenceTagger({ vocabSize: 100, embeddingDim: 32, hiddenSize: 64, numClasses: 5, paddingIdx: 0 });
const tokens = tensor(
  [
    [4, 8, 15, 16],
    [23, 42, 0, 0],
  ],
  { dtype: 'int32' },
); // 0 pads the short one
const logits = tagger.forward(tokens, [4, 2]); // lengths pack the batch, so padding costs nothing
console.log(tagger.fc.inFeatures, logits.shape); // 128 [2, 4, 5]: one score per tag per token
// #endregion example
export const tagShape = logits.shape;
