// Recurrent cells and layers.

export { RNNCell, LSTMCell, GRUCell, type CellOptions } from './cells.js';
export { RNN, LSTM, GRU, RecurrentBase, type RecurrentOptions, type RecurrentResult, type RecurrentMode } from './layers.js';
export { rnnSettings, withoutFusedKernels, type Nonlinearity } from './steps.js';
export { scan, type ScanState, type Step } from './scan.js';
