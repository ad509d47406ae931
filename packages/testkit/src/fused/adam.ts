// Fused ≡ composed for the optimizer step: Adam and AdamW through the backend's `adamStep`
// kernel must leave the parameter and its moments m, v (and AMSGrad's vmax) where the composed
// ops leave them, after several steps, for every option combination. Tolerance 1e-6 relative.

import { describe, expect, it } from 'vitest';
import { Adam, AdamW, type AdamOptions } from '@recur/optim';
import { manualSeed, memory, randn, registerBackend, scope, useBackend, type BackendV1, type Tensor } from '@recur/tensor';

interface AdamCase {
  readonly name: string;
  readonly decoupled: boolean;
  readonly options: AdamOptions;
}

const STEPS = 6;

/** Every combination of the kernel's flags, with non-default scalars so each one matters. */
const CASES: readonly AdamCase[] = [false, true].flatMap((decoupled) =>
  [false, true].flatMap((amsgrad) =>
    [0, 0.05].flatMap((weightDecay) =>
      [false, true].map((maximize) => ({
        name: `${decoupled ? 'AdamW' : 'Adam'} amsgrad=${amsgrad} weightDecay=${weightDecay} maximize=${maximize}`,
        decoupled,
        options: { lr: 0.02, betas: [0.8, 0.95] as const, eps: 1e-6, weightDecay, amsgrad, maximize },
      })),
    ),
  ),
);

/** Parameters of a few shapes, one of them a transposed (strided) view, and their grads per step. */
function makeParameters(seed: number): { params: Tensor[]; grads: Tensor[][] } {
  manualSeed(seed);
  // scope() frees the dense sources of the transposed views; the views keep their memory.
  const params = scope(() => [randn([4, 5]), randn([7]), randn([3, 6]).T]).map((p) => p.requireGrad());
  const grads = Array.from({ length: STEPS }, (_, step) =>
    scope(() =>
      // Alternating scales make v rise and fall, so AMSGrad's max is exercised.
      params.map((p, i) => {
        const g = randn(i === 2 ? [p.shape[1]!, p.shape[0]!] : p.shape).mul(step % 2 === 0 ? 1 : 0.01);
        return i === 2 ? g.T : g;
      }),
    ),
  );
  return { params, grads };
}

/** Param, m, v (and vmax) of every parameter after every step. */
async function trajectory(c: AdamCase, fused: boolean): Promise<Float32Array[]> {
  const { params, grads } = makeParameters(7);
  const options: AdamOptions = { ...c.options, fused };
  const optimizer = c.decoupled ? new AdamW(params, options) : new Adam(params, options);
  const out: Float32Array[] = [];
  try {
    for (const row of grads) {
      params.forEach((p, i) => {
        p.grad = row[i]!;
      });
      optimizer.step();
      for (const p of params) {
        const state = optimizer.state.get(p)!;
        const tensors = [p, state.exp_avg, state.exp_avg_sq, ...(state.max_exp_avg_sq ? [state.max_exp_avg_sq] : [])];
        for (const t of tensors) out.push(Float32Array.from(await t.data()));
      }
      for (const p of params) p.grad = null;
    }
  } finally {
    optimizer.dispose();
    for (const p of params) p.dispose();
    for (const row of grads) for (const g of row) g.dispose();
  }
  return out;
}

/** Register vitest tests proving the backend's fused adamStep ≡ the composed Adam / AdamW ops. */
export function describeFusedAdamConformance(name: string, createBackend: () => BackendV1 | Promise<BackendV1>): void {
  describe(`${name}: fused adamStep ≡ composed`, () => {
    it('provides the fused adamStep kernel', async () => {
      registerBackend(createBackend, { name });
      const backend = await useBackend(name);
      expect(typeof backend.fused?.adamStep).toBe('function');
    });

    it.each(CASES)('$name: param and moments over several steps', async (c) => {
      registerBackend(createBackend, { name });
      await useBackend(name);
      const before = memory();
      const fused = await trajectory(c, true);
      const composed = await trajectory(c, false);
      expect(fused.length).toBe(composed.length);
      fused.forEach((values, k) => {
        expect(values.length).toBe(composed[k]!.length);
        values.forEach((v, i) => {
          const e = composed[k]![i]!;
          if (!(Math.abs(v - e) <= 1e-6 * Math.abs(e) + 1e-12)) {
            throw new Error(`${c.name}: tensor ${k} element ${i}: fused ${v}, composed ${e}`);
          }
        });
      });
      const after = memory();
      expect(after.numBuffers).toBe(before.numBuffers);
      expect(after.numTensors).toBe(before.numTensors);
    });
  });
}
