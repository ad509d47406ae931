// General (Luong, bilinear) attention, batch-first: score[b,i,j] = q[b,i]ᵀ·W·k[b,j] with weight
// W (Dq, Dk); weights = softmax over keys j (masked keys -∞); context[b,i] = Σ_j weights·value[b,j].

import { ValueError, init, scope, zeros, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { checkBatchFirst, maskedContext } from './key-mask.js';
import type { AttentionForwardOptions } from './additive-attention.js';

export interface GeneralAttentionOptions {
  /** Dq: query features. */
  readonly querySize: number;
  /** Dk: key features. */
  readonly keySize: number;
}

export class GeneralAttention extends Module {
  readonly querySize: number;
  readonly keySize: number;
  readonly weight: Parameter;

  constructor(options: GeneralAttentionOptions) {
    super();
    for (const name of ['querySize', 'keySize'] as const) {
      const value = options[name];
      if (!Number.isInteger(value) || value <= 0)
        throw new ValueError(`GeneralAttention: ${name} must be a positive integer; got ${value}`);
    }
    this.querySize = options.querySize;
    this.keySize = options.keySize;
    // No torch.nn class to copy: W ~ U(-1/√Dk, 1/√Dk), the bound a Linear(Dk → Dq) would use.
    const bound = 1 / Math.sqrt(this.keySize);
    this.weight = this.registerParameter('weight', new Parameter(init.uniform(zeros([this.querySize, this.keySize]), -bound, bound)));
  }

  /** query [B, Tq, Dq], key [B, Tk, Dk], value [B, Tk, Dv] → [context [B, Tq, Dv], weights [B, Tq, Tk]]. */
  forward(query: Tensor, key: Tensor, value: Tensor, options: Pick<AttentionForwardOptions, 'mask'> = {}): [Tensor, Tensor] {
    checkBatchFirst('GeneralAttention', this, query, key, value, options.mask);
    return scope(() => {
      // (q·W)·kᵀ: [B, Tq, Dk]·[B, Dk, Tk].
      const scores = query.matmul(this.weight).matmul(key.transpose(1, 2));
      return maskedContext(scores, value, options.mask);
    });
  }
}
