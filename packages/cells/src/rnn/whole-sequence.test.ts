// The driver's whole-sequence hook (fused.recurrentSequence / Backward): where the backend takes a
// layer-direction (the CPU does at batch 1, small H), outputs and every gradient equal the per-step
// loop's bit for bit — both directions, two layers, initial states; a declined call changes nothing.

import { describe, expect, it } from 'vitest';
import type { FusedKernels } from '@recur/backend';
import { backendOf, manualSeed, randn, scope, type Tensor } from '@recur/tensor';
import { GRU, LSTM } from './layers.js';

const [T, I, H] = [6, 5, 32];

type Hooks = Pick<FusedKernels, 'recurrentSequence' | 'recurrentSequenceBackward'>;

/** Outputs and gradients (x, h0, c0, every parameter) with the backend's hooks as given. */
async function run(mode: 'LSTM' | 'GRU', hooks: (original: Hooks) => Hooks): Promise<Float32Array[]> {
  manualSeed(3);
  const module =
    mode === 'LSTM'
      ? new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true })
      : new GRU({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true });
  const fused = backendOf('test', module.parameters()[0]!).fused as FusedKernels;
  const original: Hooks = { recurrentSequence: fused.recurrentSequence, recurrentSequenceBackward: fused.recurrentSequenceBackward };
  Object.assign(fused, hooks(original));
  try {
    const tensors = scope(() => {
      const x = randn([T, 1, I], { requiresGrad: true });
      const h0 = randn([4, 1, H], { requiresGrad: true });
      const c0 = randn([4, 1, H], { requiresGrad: true });
      let y: Tensor;
      let h: Tensor;
      if (module instanceof LSTM) [y, [h]] = module.forward(x, [h0, c0]);
      else [y, h] = module.forward(x, h0);
      y.mul(randn(y.shape))
        .sum()
        .add(h.mul(randn(h.shape)).sum())
        .backward();
      const leaves = mode === 'LSTM' ? [x, h0, c0] : [x, h0];
      return [y, h, ...[...leaves, ...module.parameters()].map((t) => t.grad!)].map((t) => t.clone());
    });
    const values: Float32Array[] = [];
    for (const t of tensors) {
      values.push((await t.data()) as Float32Array);
      t.dispose();
    }
    return values;
  } finally {
    Object.assign(fused, original);
    module.dispose();
  }
}

describe('whole-sequence op ≡ the per-step loop (CPU, B 1)', () => {
  for (const mode of ['LSTM', 'GRU'] as const) {
    it(`${mode}: outputs and gradients bit for bit, and the op took every layer-direction`, async () => {
      let [forward, backward] = [0, 0];
      const whole = await run(mode, (o) => ({
        recurrentSequence: (args) => (o.recurrentSequence!(args) ? ++forward > 0 : false),
        recurrentSequenceBackward: (args) => (o.recurrentSequenceBackward!(args) ? ++backward > 0 : false),
      }));
      // 2 layers × 2 directions, each walked by the op once forward and once backward.
      expect([forward, backward]).toEqual([4, 4]);
      const steps = await run(mode, () => ({ recurrentSequence: () => false, recurrentSequenceBackward: () => false }));
      expect(whole.length).toBe(steps.length);
      whole.forEach((values, k) => expect(Array.from(values)).toEqual(Array.from(steps[k]!)));
    });
  }
});
