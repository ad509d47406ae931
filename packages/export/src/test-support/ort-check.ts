// Test support: run an exported model in onnxruntime-node and compare with Recur's outputs.

import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { Tensor } from '@recur/tensor';

export async function runOnnx(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  const inputs: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const data = await t.data();
    inputs[name] =
      t.dtype === 'bool'
        ? new ort.Tensor('bool', Uint8Array.from(data), [...t.shape])
        : new ort.Tensor(t.dtype === 'int32' ? 'int32' : 'float32', t.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data), [
            ...t.shape,
          ]);
  }
  const result = await session.run(inputs);
  await session.release();
  const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const [name, value] of Object.entries(result)) out[name] = { data: value.data as Float32Array, dims: value.dims };
  return out;
}

/** Same shape, and every value within `tolerance` (absolute) of Recur's. */
export async function expectClose(
  actual: { data: Float32Array; dims: readonly number[] },
  expected: Tensor,
  tolerance = 1e-5,
): Promise<void> {
  expect([...actual.dims]).toEqual([...expected.shape]);
  const want = await expected.data();
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(actual.data[i]! - want[i]!));
  expect(worst).toBeLessThanOrEqual(tolerance);
}
