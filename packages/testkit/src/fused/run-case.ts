// What the fused-conformance suites compute for one case: its loss, the input's gradient and every
// parameter's gradient, with the backend's fused kernels or without them (the composed path).

import { withoutFusedKernels, type Module } from '@recur/cells';
import { manualSeed, randn, scope, type Tensor } from '@recur/tensor';

/** One module and the loss of one forward pass; gradients land in the inputs' and parameters' .grad. */
export interface FusedCase {
  readonly name: string;
  readonly inputShape: readonly number[];
  build(): Module;
  loss(module: Module, x: Tensor): Tensor;
}

/** Σ t ⊙ R for a seeded random R: a loss that weighs every element differently. */
export const weightedSum = (t: Tensor, seed: number): Tensor => {
  manualSeed(seed);
  return t.mul(randn(t.shape)).sum();
};

/** The loss, the input's gradient and every parameter's gradient of one case, on the active backend. */
export async function valuesAndGrads(c: FusedCase, fused: boolean): Promise<Float32Array[]> {
  manualSeed(42);
  const module = c.build();
  const tensors = scope(() => {
    const x = randn(c.inputShape, { requiresGrad: true });
    const run = () => {
      const loss = c.loss(module, x);
      loss.backward();
      return loss;
    };
    const loss = fused ? run() : withoutFusedKernels(run);
    return [loss, x.grad!.clone(), ...module.parameters().map((p) => p.grad!.clone())];
  });
  const out: Float32Array[] = [];
  for (const t of tensors) {
    out.push((await t.data()) as Float32Array);
    t.dispose();
  }
  module.dispose();
  return out;
}
