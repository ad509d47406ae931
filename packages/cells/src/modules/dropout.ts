// Dropout (torch.nn.Dropout): in training, zero each element with probability p and scale the
// survivors by 1/(1-p) (inverted dropout), so eval mode is the identity; u ~ U[0,1) keeps x iff u < 1-p.

import { backendOf, checkOptions, DTypeError, ValueError, rand, scope, type Generator, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';

export interface DropoutOptions {
  /** Probability of zeroing an element (default 0.5). */
  readonly p?: number;
  /** The random stream for the masks; default: the tensor package's default generator (manualSeed). */
  readonly generator?: Generator;
}

export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(options: DropoutOptions = {}) {
    super();
    options = checkOptions('Dropout', options, ['p', 'generator']);
    const p = options.p ?? 0.5;
    if (!(p >= 0 && p <= 1)) {
      throw new ValueError(`Dropout: probability p must be between 0 and 1; got ${p}`);
    }
    this.p = p;
    this.generator = options.generator;
  }

  /** In eval mode (or with p = 0) this returns `input` itself, as PyTorch does. */
  forward(input: Tensor): Tensor {
    return dropout(input, this.p, { training: this.training, generator: this.generator });
  }
}

/** Functional dropout (F.dropout): also used between the layers of stacked RNNs. */
export function dropout(input: Tensor, p: number, options: { training?: boolean; generator?: Generator } = {}): Tensor {
  options = checkOptions('dropout', options, ['training', 'generator']);
  if (input.dtype !== 'float32') throw new DTypeError(`dropout: expected a float32 input; got ${input.dtype}`);
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout: probability p must be between 0 and 1; got ${p}`);
  if (!(options.training ?? true) || p === 0) return input;
  return scope(() => {
    // x·0 rather than fresh zeros: the graph stays connected (zero gradient) and NaN stays NaN.
    if (p === 1) return input.mul(0);
    const keep = rand(input.shape, { generator: options.generator, backend: backendOf('dropout', input) }).lt(1 - p);
    return input.mul(keep.toDType('float32').mul(1 / (1 - p)));
  });
}
