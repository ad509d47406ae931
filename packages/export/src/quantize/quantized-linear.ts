// Linear with compressed weights (PyTorch's dynamic quantized Linear): W [N, K] int8 with a
// float32 scale per output row, or float16; the bias stays float32; activations are float32.
// Inference only: y = x·Wᵀ + b on the backend's quantised kernel, or W dequantised for the call.

import { ShapeError, checkOptions, expectTensor, fmtShape, noGrad, type Tensor } from '@recur/tensor';
import { Linear, type LinearOptions } from '@recur/cells';
import { QuantizedWeight, type QuantizedDType } from './quantized-weight.js';
import { checkDType, checkReplacement, holdRandomState, releaseRandomState, zeroWeight, type QuantizedModule } from './quantized-module.js';

export interface QuantizedLinearOptions extends LinearOptions {
  /** Storage of W (default 'int8'). */
  readonly dtype?: QuantizedDType;
}

export class QuantizedLinear extends Linear implements QuantizedModule {
  readonly weightDType: QuantizedDType;
  private compressed: QuantizedWeight;

  constructor(options: QuantizedLinearOptions) {
    const { dtype, ...linear } = checkOptions('QuantizedLinear', options, ['inFeatures', 'outFeatures', 'bias', 'dtype']);
    super(holdRandomState(linear));
    releaseRandomState();
    this.weightDType = checkDType('QuantizedLinear', dtype);
    this.compressed = zeroWeight(this.weightDType, this.outFeatures, this.inFeatures);
    // The float weight is dropped: the compressed one replaces it in the state dict and in files.
    this.registerParameter('weight', null);
  }

  /** The quantised twin of `linear` (its weight compressed, its bias copied). */
  static async fromFloat(linear: Linear, dtype: QuantizedDType = 'int8'): Promise<QuantizedLinear> {
    const twin = new QuantizedLinear({ inFeatures: linear.inFeatures, outFeatures: linear.outFeatures, bias: linear.bias !== null, dtype });
    twin.compressed = await QuantizedWeight.fromTensor(linear.weight, twin.weightDType);
    if (linear.bias && twin.bias) noGrad(() => twin.bias!.assign(linear.bias!));
    return twin;
  }

  quantizedWeights(): ReadonlyMap<string, QuantizedWeight> {
    return new Map([['weight', this.compressed]]);
  }

  setQuantizedWeight(name: string, weight: QuantizedWeight): void {
    checkReplacement('QuantizedLinear', name, name === 'weight' ? this.compressed : undefined, weight);
    this.compressed.dispose();
    this.compressed = weight;
  }

  override forward(input: Tensor): Tensor {
    expectTensor('QuantizedLinear', 'input', input);
    if (input.rank === 0 || input.shape[input.rank - 1] !== this.inFeatures) {
      throw new ShapeError(
        `QuantizedLinear: expected input of shape [..., ${this.inFeatures}] (inFeatures ${this.inFeatures}); got ${fmtShape(input.shape)}`,
      );
    }
    return this.compressed.linear(input, this.bias);
  }

  override dispose(): void {
    this.compressed.dispose();
    super.dispose();
  }
}
