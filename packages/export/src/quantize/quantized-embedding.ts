// Embedding with compressed rows: the table [N, D] int8 with a float32 scale per row (PyTorch
// quantises embedding rows the same way), or float16. A lookup gathers the packed rows and their
// scales and dequantises only those on the backend's kernel; without one, the table is
// dequantised for the call. N rows, D embedding size. Inference only.

import {
  DTypeError,
  IndexError,
  checkOptions,
  empty,
  expectTensor,
  indexSelect,
  kernelView,
  scope,
  backendOf,
  type Tensor,
} from '@recur/tensor';
import { Embedding, type EmbeddingOptions } from '@recur/cells';
import { QuantizedWeight, type QuantizedDType } from './quantized-weight.js';
import { checkDType, checkReplacement, holdRandomState, releaseRandomState, zeroWeight, type QuantizedModule } from './quantized-module.js';

export interface QuantizedEmbeddingOptions extends EmbeddingOptions {
  /** Storage of the table (default 'int8'). */
  readonly dtype?: QuantizedDType;
}

export class QuantizedEmbedding extends Embedding implements QuantizedModule {
  readonly weightDType: QuantizedDType;
  private compressed: QuantizedWeight;

  constructor(options: QuantizedEmbeddingOptions) {
    const { dtype, ...embedding } = checkOptions('QuantizedEmbedding', options, ['numEmbeddings', 'embeddingDim', 'paddingIdx', 'dtype']);
    super(holdRandomState(embedding));
    releaseRandomState();
    this.weightDType = checkDType('QuantizedEmbedding', dtype);
    this.compressed = zeroWeight(this.weightDType, this.numEmbeddings, this.embeddingDim);
    this.registerParameter('weight', null);
  }

  /** The quantised twin of `embedding`. */
  static async fromFloat(embedding: Embedding, dtype: QuantizedDType = 'int8'): Promise<QuantizedEmbedding> {
    const twin = new QuantizedEmbedding({
      numEmbeddings: embedding.numEmbeddings,
      embeddingDim: embedding.embeddingDim,
      paddingIdx: embedding.paddingIdx,
      dtype,
    });
    twin.compressed = await QuantizedWeight.fromTensor(embedding.weight, twin.weightDType);
    return twin;
  }

  quantizedWeights(): ReadonlyMap<string, QuantizedWeight> {
    return new Map([['weight', this.compressed]]);
  }

  setQuantizedWeight(name: string, weight: QuantizedWeight): void {
    checkReplacement('QuantizedEmbedding', name, name === 'weight' ? this.compressed : undefined, weight);
    this.compressed.dispose();
    this.compressed = weight;
  }

  override forward(indices: Tensor): Tensor {
    expectTensor('QuantizedEmbedding', 'indices', indices);
    if (indices.dtype !== 'int32') throw new DTypeError(`QuantizedEmbedding: indices must be int32; got ${indices.dtype}`);
    return scope(() => {
      const flat = indices.reshape([indices.size]);
      const backend = backendOf('QuantizedEmbedding', flat);
      const kernels = backend.quantized;
      const kernel = this.weightDType === 'int8' ? kernels?.dequantizeInt8 : kernels?.dequantizeFloat16;
      let rows: Tensor;
      try {
        if (kernel) {
          const device = this.compressed.device(backend);
          const words = indexSelect(device.words, 0, flat);
          rows = empty([indices.size, this.embeddingDim], 'float32', backend);
          if (device.scales) kernels!.dequantizeInt8!(kernelView(words), kernelView(indexSelect(device.scales, 0, flat)), kernelView(rows));
          else kernels!.dequantizeFloat16!(kernelView(words), kernelView(rows));
        } else {
          rows = indexSelect(this.compressed.dequantize(backend), 0, flat);
        }
      } catch (error) {
        if (!(error instanceof IndexError)) throw error;
        throw new IndexError(`QuantizedEmbedding(numEmbeddings=${this.numEmbeddings}): ${error.message}`);
      }
      return rows.reshape([...indices.shape, this.embeddingDim]);
    });
  }

  override dispose(): void {
    this.compressed.dispose();
    super.dispose();
  }
}
