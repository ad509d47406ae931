// LayerNorm (torch.nn.LayerNorm): y = (x - μ)/√(σ² + ε)·γ + β over the trailing normalizedShape
// dims; μ and σ² are their mean and biased variance, γ (`weight`) and β (`bias`) are learned.

import { describeValue, checkOptions, ShapeError, ValueError, fmtShape, ones, scope, zeros, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

export interface LayerNormOptions {
  /** The trailing dims to normalise over: a size, or sizes such as [T, H]. */
  readonly normalizedShape: number | readonly number[];
  /** Added to σ² before the square root (default 1e-5). */
  readonly eps?: number;
  /** Learn γ and β (default true); false normalises only. */
  readonly elementwiseAffine?: boolean;
  /** Learn β when elementwiseAffine (default true). */
  readonly bias?: boolean;
}

export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(options: LayerNormOptions) {
    super();
    options = checkOptions('LayerNorm', options, ['normalizedShape', 'eps', 'elementwiseAffine', 'bias']);
    const given: unknown = options.normalizedShape;
    if (typeof given !== 'number' && !Array.isArray(given)) {
      throw new ValueError(`LayerNorm: normalizedShape must be an integer or an array of integers; got ${describeValue(given)}`);
    }
    const shape = typeof given === 'number' ? [given] : [...(given as number[])];
    if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ValueError(`LayerNorm: normalizedShape must be one or more non-negative integers; got ${fmtShape(shape)}`);
    }
    const eps = options.eps ?? 1e-5;
    if (!(eps >= 0)) throw new ValueError(`LayerNorm: eps must be non-negative; got ${eps}`);
    this.normalizedShape = shape;
    this.eps = eps;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const affine = this.elementwiseAffine;
    this.weight = this.registerParameter('weight', affine ? new Parameter(ones(shape)) : null);
    this.bias = this.registerParameter('bias', affine && (options.bias ?? true) ? new Parameter(zeros(shape)) : null);
  }

  forward(input: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const trailing = input.shape.slice(input.rank - k);
    if (input.rank < k || trailing.some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(
        `LayerNorm: expected input of shape [..., ${this.normalizedShape.join(',')}] (normalizedShape); got ${fmtShape(input.shape)}`,
      );
    }
    const axis = Array.from({ length: k }, (_, i) => input.rank - k + i);
    return scope(() => {
      const centered = input.sub(input.mean({ axis, keepDim: true }));
      // Biased variance (divide by the count, not count - 1), as PyTorch's layer_norm.
      const variance = centered.square().mean({ axis, keepDim: true });
      let y = centered.mul(variance.add(this.eps).rsqrt());
      if (this.weight) y = y.mul(this.weight);
      if (this.bias) y = y.add(this.bias);
      return y;
    });
  }
}
