// brain.js 1.6.1 (brain.recurrent.*TimeStep, CPU): the popular JavaScript choice for small
// online models. It trains one sequence at a time, so on W1/W2 shapes it runs a single sequence
// (the harness compares it as B of them) and on W4 its natural B 1. T steps, I input, H hidden.

import { createRequire } from 'node:module';
import { Unsupported, type CaseSpec, type CellKind, type Driver, type Iteration, type SystemInfo } from '../protocol.js';

type Brain = (typeof import('brain.js'))['default'];

function network(brain: Brain, cell: CellKind, inputSize: number, hiddenSize: number) {
  const Network =
    cell === 'lstm' ? brain.recurrent.LSTMTimeStep : cell === 'gru' ? brain.recurrent.GRUTimeStep : brain.recurrent.RNNTimeStep;
  return new Network({ inputSize, hiddenLayers: [hiddenSize], outputSize: inputSize });
}

/** T steps of I values (plain numbers when I is 1, as brain.js expects). */
function sequence(steps: number, inputSize: number): number[] | number[][] {
  if (inputSize === 1) return Array.from({ length: steps }, (_, t) => Math.sin(0.3 * t));
  return Array.from({ length: steps }, () => Array.from({ length: inputSize }, () => Math.random() * 2 - 1));
}

/** Forward over the sequence, or one trainPattern: forward, backpropagate, adjust weights. */
interface Model {
  readonly cell: CellKind;
  readonly steps: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly train: boolean;
  readonly batchScale: number;
}

function prepare(brain: Brain, { cell, steps, inputSize, hiddenSize, train, batchScale }: Model): Iteration {
  const net = network(brain, cell, inputSize, hiddenSize);
  const input = sequence(steps, inputSize);
  // train() sizes and builds the model; its formatted pattern is what trainPattern takes.
  net.train([input], { iterations: 1 });
  const pattern = net.formatData([input])[0];
  return {
    run: () => {
      if (train) net.trainPattern(pattern, true);
      else net.run(input);
    },
    dispose: () => undefined,
    batchScale,
  };
}

export function brainjsDriver(): Driver {
  let brain: Brain;
  return {
    async init(): Promise<SystemInfo> {
      brain = (await import('brain.js')).default;
      const version = (createRequire(import.meta.url)('brain.js/package.json') as { version: string }).version;
      return { version, threads: 1, variant: 'CPU (plain JavaScript), one sequence per update' };
    },

    async prepare(spec: CaseSpec): Promise<Iteration> {
      const shape = spec.shape;
      // The bench runs brain.js on W4 and, one sequence at a time, on the W1/W2 shapes (README.md).
      if ((shape.kind === 'rnn-forward' && spec.workload === 'W1') || (shape.kind === 'rnn-train' && spec.workload === 'W2')) {
        return prepare(brain, { ...shape, train: shape.kind === 'rnn-train', batchScale: shape.batch });
      }
      if (shape.kind === 'online-forward' || shape.kind === 'online-train') {
        return prepare(brain, { ...shape, cell: 'lstm', train: shape.kind === 'online-train', batchScale: 1 });
      }
      throw new Unsupported('the bench runs brain.js on W1, W2 (one sequence) and W4 only');
    },
  };
}
