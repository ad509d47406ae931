/**
 * Modules with PyTorch's names and state-dict keys: `Linear`, `Embedding`, `RNN`, `LSTM`, `GRU` and their cells, losses, and the seed's three reference models.
 *
 * @packageDocumentation
 * @module @recur/cells
 */

export * from '@recur/cells';
