// The seed tutorial's three reference models.

export { SimpleRNN, type SimpleRNNOptions } from './simple-rnn.js';
export { LSTMModel, type LSTMModelOptions } from './lstm-model.js';
export { SequenceTagger, type SequenceTaggerOptions, type TaggerIntermediates } from './sequence-tagger.js';
