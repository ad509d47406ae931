// Additive (Bahdanau) attention, batch-first: score[b,i,j] = v·tanh(W_q q[b,i] + W_k k[b,j] + b_k),
// weights = softmax over keys j (masked keys -∞), context[b,i] = Σ_j weights[b,i,j]·value[b,j].
// Parameters query_proj.weight W_q (A, Dq), key_proj.weight W_k (A, Dk), key_proj.bias b_k (A), v.weight (1, A).

import { ValueError, scope, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';
import { Linear } from '../modules/linear.js';
import { checkBatchFirst, maskedContext } from './key-mask.js';

export interface AdditiveAttentionOptions {
  /** Dq: query features. */
  readonly querySize: number;
  /** Dk: key features. */
  readonly keySize: number;
  /** A: the hidden size of the scoring network. */
  readonly attentionSize: number;
}

export interface AttentionForwardOptions {
  /** [B, Tk] bool: true marks a real key, false a padded one (it gets no weight). */
  readonly mask?: Tensor | null;
  /** W_k·k + b_k from `projectKeys(key)`, to reuse across decoder steps over the same keys. */
  readonly projectedKeys?: Tensor | null;
}

export class AdditiveAttention extends Module {
  readonly querySize: number;
  readonly keySize: number;
  readonly attentionSize: number;
  readonly queryProj: Linear;
  readonly keyProj: Linear;
  readonly v: Linear;

  constructor(options: AdditiveAttentionOptions) {
    super();
    for (const name of ['querySize', 'keySize', 'attentionSize'] as const) {
      const value = options[name];
      if (!Number.isInteger(value) || value <= 0)
        throw new ValueError(`AdditiveAttention: ${name} must be a positive integer; got ${value}`);
    }
    this.querySize = options.querySize;
    this.keySize = options.keySize;
    this.attentionSize = options.attentionSize;
    // Each Linear keeps PyTorch's default init (the fixtures load their own values).
    this.queryProj = this.registerModule(
      'query_proj',
      new Linear({ inFeatures: this.querySize, outFeatures: this.attentionSize, bias: false }),
    );
    this.keyProj = this.registerModule('key_proj', new Linear({ inFeatures: this.keySize, outFeatures: this.attentionSize }));
    this.v = this.registerModule('v', new Linear({ inFeatures: this.attentionSize, outFeatures: 1, bias: false }));
  }

  /** W_k·k + b_k [B, Tk, A]: compute once when several queries attend over the same keys. */
  projectKeys(key: Tensor): Tensor {
    return this.keyProj.forward(key);
  }

  /** query [B, Tq, Dq], key [B, Tk, Dk], value [B, Tk, Dv] → [context [B, Tq, Dv], weights [B, Tq, Tk]]. */
  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionForwardOptions = {}): [Tensor, Tensor] {
    const [B, , Tk] = checkBatchFirst('AdditiveAttention', this, query, key, value, options.mask);
    const projected = options.projectedKeys ?? null;
    if (
      projected &&
      (projected.rank !== 3 || projected.shape[0] !== B || projected.shape[1] !== Tk || projected.shape[2] !== this.attentionSize)
    ) {
      throw new ValueError(
        `AdditiveAttention: projectedKeys must be [${B}, ${Tk}, ${this.attentionSize}] from projectKeys(key); got [${projected.shape.join(',')}]`,
      );
    }
    return scope(() => {
      const keys = projected ?? this.keyProj.forward(key);
      // [B, Tq, 1, A] + [B, 1, Tk, A] → tanh → v → [B, Tq, Tk].
      const hidden = this.queryProj.forward(query).unsqueeze(2).add(keys.unsqueeze(1)).tanh();
      const scores = this.v.forward(hidden).squeeze(-1);
      return maskedContext(scores, value, options.mask);
    });
  }
}
