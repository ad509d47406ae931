// Recurrent cells and layers.

export { RNNCell, LSTMCell, GRUCell, type CellOptions } from './cells.js';
export { RNN, LSTM, GRU, RecurrentBase, type RecurrentOptions, type RecurrentResult, type RecurrentMode } from './layers.js';
export { rnnSettings, withoutFusedKernels, type Nonlinearity } from './steps.js';
export { scan, type ScanState, type Step } from './scan.js';
export type { CellKind, DirectionWeights, SequenceKernels, StepViews, StepGradViews } from './cell-kind.js';
export { LSTM_KIND } from './lstm-kind.js';
export { GRU_KIND } from './gru-kind.js';
export { RNN_TANH_KIND, RNN_RELU_KIND } from './elman-kind.js';
export { LayerNormLSTMCell, LayerNormLSTM, type LayerNormLSTMCellOptions, type LayerNormLSTMOptions } from './layer-norm-lstm.js';
export { layerNormLstmKind, layerNormLstmStep, type LayerNorms } from './layer-norm-lstm-kind.js';
export { ClockworkRNN, type ClockworkRNNOptions } from './clockwork-rnn.js';
export { clockworkKind } from './clockwork-kind.js';
