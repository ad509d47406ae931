// Recurrent weights with PyTorch's shapes and initialisation: W_ih [G·H, I], W_hh [G·H, H],
// b_ih, b_hh [G·H], all U(-1/√H, 1/√H), where G is the gate count (RNN 1, GRU 3, LSTM 4).

import { ValueError, init, zeros } from '@recur/tensor';
import { Parameter } from '../parameter.js';

export const GATES = { RNN_TANH: 1, RNN_RELU: 1, GRU: 3, LSTM: 4 } as const;

export interface RecurrentWeights {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | null;
  readonly biasHh: Parameter | null;
}

/** A U(-1/√H, 1/√H) parameter of `shape` (PyTorch's RNN reset_parameters). */
export function uniformParameter(shape: readonly number[], hiddenSize: number): Parameter {
  const bound = 1 / Math.sqrt(hiddenSize);
  return new Parameter(init.uniform(zeros(shape), -bound, bound));
}

export function createRecurrentWeights(
  gates: number,
  inputSize: number,
  hiddenSize: number,
  recurrentSize: number,
  bias: boolean,
): RecurrentWeights {
  const rows = gates * hiddenSize;
  return {
    weightIh: uniformParameter([rows, inputSize], hiddenSize),
    weightHh: uniformParameter([rows, recurrentSize], hiddenSize),
    biasIh: bias ? uniformParameter([rows], hiddenSize) : null,
    biasHh: bias ? uniformParameter([rows], hiddenSize) : null,
  };
}

export function checkSize(owner: string, name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(`${owner}: ${name} must be an integer ≥ ${min}; got ${value}`);
  }
}
