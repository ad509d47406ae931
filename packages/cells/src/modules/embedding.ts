// Embedding (torch.nn.Embedding): a lookup table, y[..., :] = W[i[...], :] for int32 indices i.
// W is (N, D): N = numEmbeddings rows of D = embeddingDim; the paddingIdx row never learns.

import {
  expectTensor,
  checkOptions,
  DTypeError,
  IndexError,
  ValueError,
  eq,
  fmtShape,
  indexSelect,
  init,
  needsGrad,
  noGrad,
  scope,
  where,
  zeros,
  type Tensor,
} from '@recur/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

export interface EmbeddingOptions {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** A row whose gradient is always zero (and which starts at zero); negative counts from the end. */
  readonly paddingIdx?: number | null;
}

export interface EmbeddingFromPretrainedOptions {
  /** Keep the table fixed: the weight does not require grad (default true, as PyTorch). */
  readonly freeze?: boolean;
  readonly paddingIdx?: number | null;
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row, normalised to 0..N-1, or null. */
  readonly paddingIdx: number | null;
  readonly weight: Parameter;

  constructor(options: EmbeddingOptions) {
    super();
    options = checkOptions('Embedding', options, ['numEmbeddings', 'embeddingDim', 'paddingIdx']);
    const { numEmbeddings, embeddingDim } = options;
    for (const [name, value] of [
      ['numEmbeddings', numEmbeddings],
      ['embeddingDim', embeddingDim],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) {
        throw new ValueError(`Embedding: ${name} must be a non-negative integer; got ${value}`);
      }
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = normalisePaddingIdx(options.paddingIdx, numEmbeddings);
    const weight = init.normal(zeros([numEmbeddings, embeddingDim]));
    if (this.paddingIdx !== null) {
      const row = weight.select(0, this.paddingIdx);
      noGrad(() => row.assign(0));
      row.dispose();
    }
    this.weight = this.registerParameter('weight', new Parameter(weight));
  }

  /**
   * An embedding holding a copy of `embeddings` (N, D) (torch.nn.Embedding.from_pretrained).
   * The padding row keeps its pretrained values; only its gradient is held at zero.
   */
  static fromPretrained(embeddings: Tensor, options: EmbeddingFromPretrainedOptions = {}): Embedding {
    options = checkOptions('Embedding.fromPretrained', options, ['freeze', 'paddingIdx']);
    if (embeddings.rank !== 2) {
      throw new ValueError(
        `Embedding.fromPretrained: expected a 2-D (numEmbeddings, embeddingDim) tensor; got ${fmtShape(embeddings.shape)}`,
      );
    }
    const module = new Embedding({
      numEmbeddings: embeddings.shape[0]!,
      embeddingDim: embeddings.shape[1]!,
      paddingIdx: options.paddingIdx,
    });
    noGrad(() => module.weight.assign(embeddings));
    module.weight.requiresGrad = !(options.freeze ?? true);
    return module;
  }

  forward(indices: Tensor): Tensor {
    expectTensor('Embedding', 'indices', indices);
    if (indices.dtype !== 'int32') {
      throw new DTypeError(`Embedding: indices must be int32; got ${indices.dtype}`);
    }
    return scope(() => {
      const flat = indices.reshape([indices.size]);
      let rows: Tensor;
      try {
        rows = indexSelect(this.weight, 0, flat);
      } catch (error) {
        if (!(error instanceof IndexError)) throw error;
        throw new IndexError(`Embedding(numEmbeddings=${this.numEmbeddings}): ${error.message}`);
      }
      if (this.paddingIdx !== null && needsGrad(this.weight)) {
        // Same values either way; taking padded positions from a detached handle is what stops
        // their gradient from reaching W[paddingIdx] (PyTorch's embedding_backward skips them).
        const isPadding = eq(flat, this.paddingIdx).unsqueeze(1);
        rows = where(isPadding, rows.detach(), rows);
      }
      return rows.reshape([...indices.shape, this.embeddingDim]);
    });
  }
}

function normalisePaddingIdx(paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings) {
    throw new ValueError(
      `Embedding: paddingIdx must be an integer in ${-numEmbeddings}..${numEmbeddings - 1} (numEmbeddings ${numEmbeddings}); got ${paddingIdx}`,
    );
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}
