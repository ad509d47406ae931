// A seed ensemble of M spam classifiers in one model and one checkpoint: each member is
// initialised on its own and trained on its own loss; the ensemble's spam probability is the
// members' mean, p = (1/M) Σ_m softmax(z_m), returned as logits log p (whose softmax is p again).
// With attention pooling the weights are the members' mean too (still summing to 1 per message).

import { Module } from '@recur/cells';
import { ValueError, scope, softmax, stack, type Tensor } from '@recur/tensor';
import { SpamClassifier, type SpamModelOptions } from './spam-model.js';

export class SpamEnsemble extends Module {
  readonly members: readonly SpamClassifier[];

  constructor(options: SpamModelOptions, members: number) {
    super();
    if (!Number.isInteger(members) || members < 2) {
      throw new ValueError(`SpamEnsemble: members must be an integer of at least 2 (one member is a SpamClassifier); got ${members}`);
    }
    this.members = Array.from({ length: members }, (_, m) => this.registerModule(`member${m}`, new SpamClassifier(options)));
  }

  get pooling(): SpamClassifier['pooling'] {
    return this.members[0]!.pooling;
  }

  /** Each member's logits [B, 2], for training each on its own loss. */
  forwardMembers(ids: Tensor, lengths: Int32Array): Tensor[] {
    return this.members.map((member) => member.forward(ids, lengths));
  }

  /** ids int32 [B, T], lengths [B] → log of the members' mean probabilities [B, 2]. */
  forward(ids: Tensor, lengths: Int32Array): Tensor {
    return scope(() => this.forwardWithWeights(ids, lengths).logits);
  }

  forwardWithWeights(ids: Tensor, lengths: Int32Array): { logits: Tensor; weights: Tensor | null } {
    return scope(() => {
      const outputs = this.members.map((member) => member.forwardWithWeights(ids, lengths));
      const probability = stack(
        outputs.map((o) => softmax(o.logits, -1)),
        0,
      ).mean({ axis: 0 });
      const weights = outputs.every((o) => o.weights !== null)
        ? stack(
            outputs.map((o) => o.weights!),
            0,
          ).mean({ axis: 0 })
        : null;
      return { logits: probability.log(), weights };
    });
  }
}
