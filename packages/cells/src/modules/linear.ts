// Linear (torch.nn.Linear): an affine map over the last dimension, y = x·Wᵀ + b.
// x is [..., in], W is (out, in) as PyTorch stores it, b is (out), y is [..., out].

import { expectTensor, checkOptions, ShapeError, ValueError, fmtShape, init, linear, zeros, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

export interface LinearOptions {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Learn an additive bias `b` (default true). */
  readonly bias?: boolean;
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(options: LinearOptions) {
    super();
    options = checkOptions('Linear', options, ['inFeatures', 'outFeatures', 'bias']);
    const { inFeatures, outFeatures } = options;
    checkFeatures('inFeatures', inFeatures);
    checkFeatures('outFeatures', outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    // PyTorch's reset_parameters: kaiming_uniform(a=√5) gives W ~ U(-1/√in, 1/√in), and the
    // bias uses the same bound so a fresh layer's outputs have comparable scale.
    const weight = init.kaimingUniform(zeros([outFeatures, inFeatures]), { a: Math.sqrt(5) });
    this.weight = this.registerParameter('weight', new Parameter(weight));
    if (options.bias ?? true) {
      const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
      this.bias = this.registerParameter('bias', new Parameter(init.uniform(zeros([outFeatures]), -bound, bound)));
    } else {
      this.bias = this.registerParameter('bias', null);
    }
  }

  forward(input: Tensor): Tensor {
    expectTensor('Linear', 'input', input);
    if (input.rank === 0 || input.shape[input.rank - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear: expected input of shape [..., ${this.inFeatures}] (inFeatures ${this.inFeatures}); got ${fmtShape(input.shape)}`,
      );
    }
    // One GEMM over every leading position, the bias copied in first (the tensor core's linear).
    return linear(input, this.weight, this.bias);
  }
}

function checkFeatures(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValueError(`Linear: ${name} must be a non-negative integer; got ${value}`);
  }
}
