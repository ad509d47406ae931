// projectInput (x·W_ihᵀ + (b_ih + b_hh) in one node) against add(b_ih, b_hh) then linear: the
// output and the gradients of x, W and both biases bit for bit, for several rows and one.

import { describe, expect, it } from 'vitest';
import { add, linear, manualSeed, randn, scope, type Tensor } from '@recur/tensor';
import { projectInput } from './project-input.js';

async function run(rows: number, fused: boolean): Promise<Float32Array[]> {
  manualSeed(rows);
  const tensors = scope(() => {
    const [x, w, bIh, bHh] = [
      randn([rows, 7], { requiresGrad: true }),
      randn([12, 7], { requiresGrad: true }),
      randn([12], { requiresGrad: true }),
      randn([12], { requiresGrad: true }),
    ];
    const y = fused ? projectInput(x, w, bIh, bHh) : linear(x, w, add(bIh, bHh));
    y.mul(randn(y.shape)).sum().backward();
    return [y, ...[x, w, bIh, bHh].map((t) => t.grad!)].map((t: Tensor) => t.clone());
  });
  const values: Float32Array[] = [];
  for (const t of tensors) {
    values.push((await t.data()) as Float32Array);
    t.dispose();
  }
  return values;
}

describe('projectInput', () => {
  it.each([5, 1])('%i rows: output and every gradient equal add(b_ih, b_hh) then linear bit for bit', async (rows) => {
    const fused = await run(rows, true);
    const reference = await run(rows, false);
    expect(fused).toHaveLength(5);
    fused.forEach((values, k) => expect(Array.from(values)).toEqual(Array.from(reference[k]!)));
    // The biases' gradients are Σ_rows dy, not zero.
    expect(fused[3]!.some((v) => v !== 0)).toBe(true);
  });
});
