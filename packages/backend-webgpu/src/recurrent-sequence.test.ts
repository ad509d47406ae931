// The whole-sequence recurrent kernels on Node + SwiftShader (forced on: SwiftShader is a fallback
// adapter, where they are off by default): a layer-direction costs a few dispatches instead of
// ~2·T, shapes that do not fit the device and the default on a fallback adapter take the per-step
// path, and bad layouts are typed errors. Values and gradients: fused-conformance.test.ts (testkit).
// T steps, B batch, H hidden.

import { GRU, LSTM, RNN, type Module } from '@recur/cells';
import { manualSeed, noGrad, randn, registerBackend, scope, useBackend, type Tensor } from '@recur/tensor';
import { expect, it } from 'vitest';
import type { WebGPUBackend, WebGPUBackendOptions } from './backend.js';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';
import { isFallbackAdapter } from './recurrent-policy.js';

const T = 12;
const B = 3;
const H = 8;

const LAYERS: Record<string, () => Module & { forward(x: Tensor): unknown }> = {
  LSTM: () => new LSTM({ inputSize: 5, hiddenSize: H }),
  GRU: () => new GRU({ inputSize: 5, hiddenSize: H }),
  RNN: () => new RNN({ inputSize: 5, hiddenSize: H }),
};

/** Dispatches of one inference forward pass of a one-layer, one-direction module (W1's layout). */
async function dispatchesPerSequence(name: string, options: WebGPUBackendOptions, layer: string): Promise<number> {
  registerBackend(() => createTestBackend(options), { name });
  const backend = (await useBackend(name)) as WebGPUBackend;
  expect(backend.recurrent.wholeSequence).toBe(options.wholeSequence ?? !isFallbackAdapter(backend.device.adapterInfo));
  manualSeed(3);
  const module = LAYERS[layer]!();
  const x = randn([T, B, 5]);
  const before = backend.stats().dispatches;
  const [y] = noGrad(() => scope(() => module.forward(x) as [Tensor, unknown]));
  const count = backend.stats().dispatches - before;
  await y.data();
  y.dispose();
  x.dispose();
  module.dispose();
  return count;
}

describeGpu('webgpu whole-sequence recurrent kernels', () => {
  it.each(Object.keys(LAYERS))('%s: at most 4 dispatches per sequence and layer-direction; ~2·T on the per-step path', async (layer) => {
    const whole = await dispatchesPerSequence('webgpu-sequence', { wholeSequence: true }, layer);
    expect(whole).toBeLessThanOrEqual(4);
    // Workgroup memory for no row at all: every layer-direction takes the per-step path.
    const small = { wholeSequence: true, limits: { maxComputeWorkgroupStorageSize: 8 } };
    const perStep = await dispatchesPerSequence('webgpu-sequence-small', small, layer);
    expect(perStep).toBeGreaterThanOrEqual(2 * T);
    expect(await dispatchesPerSequence('webgpu-sequence-off', { wholeSequence: false }, layer)).toBeGreaterThanOrEqual(2 * T);
  });

  it('by default takes the per-step path on a fallback adapter (SwiftShader) and the whole-sequence kernels elsewhere', async () => {
    const backend = await createTestBackend();
    const fallback = isFallbackAdapter(backend.device.adapterInfo);
    backend.dispose();
    const count = await dispatchesPerSequence('webgpu-sequence-default', {}, 'LSTM');
    if (fallback) expect(count).toBeGreaterThanOrEqual(2 * T);
    else expect(count).toBeLessThanOrEqual(4);
  });

  it('declines (records nothing) when a row does not fit workgroup memory, and checks the layout', async () => {
    const backend = await createTestBackend({ wholeSequence: true, limits: { maxComputeWorkgroupStorageSize: 64 } });
    const viewOn = (owner: WebGPUBackend) => (rows: number, cols: number) => ({
      buffer: owner.alloc(rows * cols, 'float32'),
      dtype: 'float32' as const,
      shape: [rows, cols],
      strides: [cols, 1],
      offset: 0,
    });
    const view = viewOn(backend);
    const hidden = 8;
    const args = {
      cell: 'rnn_tanh' as const,
      batchSizes: new Int32Array([2, 1]),
      reverse: false,
      gates: view(3, hidden),
      initial: [view(2, hidden)],
      weightHh: view(hidden, hidden),
      biasHh: null,
      states: [view(3, hidden)],
      recurrent: null,
      activations: null,
    };
    const before = backend.stats().dispatches;
    // 2·H f32 words per row = 64 bytes fit; H = 8 in 64 bytes of rnn forward memory: exactly one row.
    expect(backend.fused!.recurrentSequence!(args)).toBe(true);
    expect(backend.stats().dispatches).toBe(before + 1);
    const wide = { ...args, gates: view(3, 16), initial: [view(2, 16)], weightHh: view(16, 16), states: [view(3, 16)] };
    expect(backend.fused!.recurrentSequence!(wide)).toBe(false);
    expect(backend.stats().dispatches).toBe(before + 1);
    expect(() => backend.fused!.recurrentSequence!({ ...args, batchSizes: new Int32Array([1, 2]) })).toThrow(
      /batchSizes must be positive and non-increasing; got 2 at step 1 after 1/,
    );
    expect(() => backend.fused!.recurrentSequence!({ ...args, gates: view(4, hidden) })).toThrow(/gates must be \[3,8\]; got \[4,8\]/);
    expect(() => backend.fused!.recurrentSequence!({ ...args, cell: 'lstm' })).toThrow(/weightHh must be \[4·hidden, hidden\]/);
    backend.dispose();
    // Turned off, a call that fits declines too, after the same argument checks.
    const off = await createTestBackend({ wholeSequence: false });
    const offView = viewOn(off);
    const offArgs = {
      ...args,
      gates: offView(3, hidden),
      initial: [offView(2, hidden)],
      weightHh: offView(hidden, hidden),
      states: [offView(3, hidden)],
    };
    const offBefore = off.stats().dispatches;
    expect(off.fused!.recurrentSequence!(offArgs)).toBe(false);
    expect(off.stats().dispatches).toBe(offBefore);
    expect(() => off.fused!.recurrentSequence!({ ...offArgs, gates: offView(4, hidden) })).toThrow(/gates must be \[3,8\]; got \[4,8\]/);
    off.dispose();
  });
});
