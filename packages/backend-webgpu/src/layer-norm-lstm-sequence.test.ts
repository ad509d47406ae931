// The whole-sequence layer-norm LSTM on Node + SwiftShader: values and gradients equal the composed
// path (padded and packed, initial states, both directions, 2 layers, batch 9 of hidden 33 across
// workgroups), the walk takes each layer-direction in 1 dispatch forward and 2 backward, and
// shapes that do not fit fall back to the per-step path. T steps, B batch, H hidden.

import { LayerNormLSTM } from '@recur/cells';
import { manualSeed, memory, noGrad, randn, registerBackend, scope, useBackend } from '@recur/tensor';
import { LAYER_NORM_LSTM_CASES, expectFusedMatches, layerNormLstmValuesAndGrads } from '@recur/testkit';
import { expect, it } from 'vitest';
import type { WebGPUBackend, WebGPUBackendOptions } from './backend.js';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

/** Counts the walks the backend takes and the dispatches each records. */
function spyWalks(backend: WebGPUBackend) {
  const fused = backend.fused!;
  const seen = { forward: [] as number[], backward: [] as number[] };
  const counted =
    <A>(run: (args: A) => boolean, into: number[]) =>
    (args: A): boolean => {
      const before = backend.stats().dispatches;
      const taken = run(args);
      if (taken) into.push(backend.stats().dispatches - before);
      return taken;
    };
  Object.assign(fused, {
    layerNormLstmSequence: counted(fused.layerNormLstmSequence!, seen.forward),
    layerNormLstmSequenceBackward: counted(fused.layerNormLstmSequenceBackward!, seen.backward),
  });
  return seen;
}

async function activate(name: string, options: WebGPUBackendOptions): Promise<WebGPUBackend> {
  registerBackend(() => createTestBackend(options), { name });
  return (await useBackend(name)) as WebGPUBackend;
}

describeGpu('webgpu whole-sequence layer-norm LSTM', () => {
  it.each(LAYER_NORM_LSTM_CASES)('$name: loss, input and parameter gradients equal the composed path', async (c) => {
    const backend = await activate('webgpu-lnlstm', { wholeSequence: true });
    const seen = spyWalks(backend);
    const before = memory().numBuffers;
    const fused = await layerNormLstmValuesAndGrads(c, true);
    // Every layer-direction walked whole: one dispatch forward, a walk and a finish backward.
    expect(seen.forward).toEqual(Array.from({ length: c.layerDirections }, () => 1));
    expect(seen.backward).toEqual(Array.from({ length: c.layerDirections }, () => 2));
    expectFusedMatches(c.name, fused, await layerNormLstmValuesAndGrads(c, false));
    expect(memory().numBuffers).toBe(before);
  });

  it('falls back to the per-step path when a row does not fit workgroup memory (values and gradients still equal)', async () => {
    const backend = await activate('webgpu-lnlstm-small', { wholeSequence: true, limits: { maxComputeWorkgroupStorageSize: 40 } });
    const seen = spyWalks(backend);
    const c = LAYER_NORM_LSTM_CASES[1]!;
    expectFusedMatches(c.name, await layerNormLstmValuesAndGrads(c, true), await layerNormLstmValuesAndGrads(c, false));
    expect(seen).toEqual({ forward: [], backward: [] });
  });

  it('dispatches per inference forward: the walk is 1 per layer-direction, the per-step path grows with T', async () => {
    const count = async (name: string, options: WebGPUBackendOptions, steps: number) => {
      const backend = await activate(name, options);
      manualSeed(3);
      const module = new LayerNormLSTM({ inputSize: 5, hiddenSize: 8 });
      const x = randn([steps, 3, 5]);
      const before = backend.stats().dispatches;
      const [y] = noGrad(() => scope(() => module.forward(x)));
      const dispatches = backend.stats().dispatches - before;
      await y.data();
      y.dispose();
      x.dispose();
      module.dispose();
      return dispatches;
    };
    const whole = [
      await count('webgpu-lnlstm-w12', { wholeSequence: true }, 12),
      await count('webgpu-lnlstm-w24', { wholeSequence: true }, 24),
    ];
    const perStep = await count('webgpu-lnlstm-off', { wholeSequence: false }, 12);
    // The walk's count does not depend on T (the rest is LN_i and the layout, once per call).
    expect(whole[1]).toBe(whole[0]);
    expect(perStep).toBeGreaterThanOrEqual(20 * 12);
    console.info(`layer-norm LSTM T 12, B 3, H 8 inference forward: ${whole[0]} dispatches walked, ${perStep} per step`);
  });
});
