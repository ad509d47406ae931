// The whole-sequence layer-norm LSTM on Node + SwiftShader: values and gradients equal the composed
// path (padded and packed, initial states, both directions, 2 layers, batch 9 of hidden 33 across
// workgroups), the walk takes each layer-direction in 1 dispatch forward and 2 backward, and
// shapes that do not fit fall back to the per-step path. T steps, B batch, H hidden.

import { LayerNormLSTM, type Module } from '@recur/cells';
import { manualSeed, memory, noGrad, randn, registerBackend, scope, useBackend, type Tensor } from '@recur/tensor';
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

  it('hidden 260: more units than invocations (each takes two), values and gradients equal the composed path', async () => {
    const backend = await activate('webgpu-lnlstm-wide', { wholeSequence: true });
    const seen = spyWalks(backend);
    const c = {
      name: 'LayerNormLSTM batch 2, hidden 260, padded, initial states from the input',
      layerDirections: 1,
      inputShape: [3, 2, 260],
      build: () => new LayerNormLSTM({ inputSize: 260, hiddenSize: 260 }),
      loss: (m: Module, x: Tensor) => {
        const [y, [h, cN]] = (m as LayerNormLSTM).forward(x, [x.narrow(0, 0, 1).mul(0.5), x.narrow(0, 1, 1).mul(0.5)]);
        return y.mul(y).sum().add(h.sum()).add(cN.mul(cN).sum());
      },
    };
    expectFusedMatches(c.name, await layerNormLstmValuesAndGrads(c, true), await layerNormLstmValuesAndGrads(c, false));
    expect(seen).toEqual({ forward: [1], backward: [2] });
  });

  it('falls back to the per-step path when a row does not fit workgroup memory (values and gradients still equal)', async () => {
    const backend = await activate('webgpu-lnlstm-small', { wholeSequence: true, limits: { maxComputeWorkgroupStorageSize: 40 } });
    const seen = spyWalks(backend);
    const c = LAYER_NORM_LSTM_CASES[1]!;
    expectFusedMatches(c.name, await layerNormLstmValuesAndGrads(c, true), await layerNormLstmValuesAndGrads(c, false));
    expect(seen).toEqual({ forward: [], backward: [] });
  });

  it('checks its arguments (typed errors) and declines, recording nothing, when the policy or the device says so', async () => {
    const [N, B, H] = [3, 2, 4];
    const argsOn = (backend: WebGPUBackend) => {
      const view = (...shape: number[]) => ({
        buffer: backend.alloc(
          shape.reduce((a, b) => a * b, 1),
          'float32',
        ),
        dtype: 'float32' as const,
        shape,
        strides: shape.length === 2 ? [shape[1]!, 1] : [1],
        offset: 0,
      });
      const args = {
        batchSizes: new Int32Array([2, 1]),
        reverse: false,
        gates: view(N, 4 * H),
        initial: [view(B, H), view(B, H)] as const,
        weightHh: view(4 * H, H),
        norms: { gammaH: view(4 * H), betaH: view(4 * H), gammaC: view(H), betaC: view(H) },
        eps: 1e-5,
        states: [view(N, H), view(N, H)] as const,
        recurrent: view(N, 4 * H),
        saved: view(N, 5 * H + 3),
      };
      return { args, view };
    };
    const backend = await createTestBackend({ wholeSequence: true });
    const { args, view } = argsOn(backend);
    const walk = backend.fused!.layerNormLstmSequence!;
    const before = backend.stats().dispatches;
    expect(walk(args)).toBe(true);
    expect(backend.stats().dispatches).toBe(before + 1);
    expect(() => walk({ ...args, weightHh: view(3 * H, H) })).toThrow(
      /layerNormLstmSequence: weightHh must be \[4·hidden, hidden\]; got \[12,4\]/,
    );
    expect(() => walk({ ...args, batchSizes: new Int32Array([1, 2]) })).toThrow(
      /batchSizes must be positive and non-increasing; got 2 at step 1 after 1/,
    );
    expect(() => walk({ ...args, eps: -1 })).toThrow(/eps must be a finite number ≥ 0; got -1/);
    expect(() => walk({ ...args, saved: view(N, 5 * H) })).toThrow(/saved must be \[3,23\]; got \[3,20\]/);
    expect(() => walk({ ...args, norms: { ...args.norms, gammaC: view(4 * H) } })).toThrow(/norms\.gammaC must be \[4\]; got \[16\]/);
    expect(backend.stats().dispatches).toBe(before + 1);
    const grad = {
      ...args,
      dStates: [view(N, H), view(N, H)] as const,
      dGates: view(N, 4 * H),
      dRecurrent: view(N, 4 * H),
      dInitial: [view(B, H), view(B, H)] as const,
      dNorms: { gammaH: view(4 * H), betaH: view(4 * H), gammaC: view(H), betaC: view(H) },
    };
    const walkBack = backend.fused!.layerNormLstmSequenceBackward!;
    // The reverse walk and the finish (γ/β sums, dh0, dc0).
    expect(walkBack(grad)).toBe(true);
    expect(backend.stats().dispatches).toBe(before + 3);
    expect(() => walkBack({ ...grad, dGates: view(N, 3 * H) })).toThrow(
      /layerNormLstmSequenceBackward: dGates must be \[3,16\]; got \[3,12\]/,
    );
    expect(() => walkBack({ ...grad, dNorms: { ...grad.dNorms, betaH: view(H) } })).toThrow(/dNorms\.betaH must be \[16\]; got \[4\]/);
    expect(() => walkBack({ ...grad, dInitial: [view(B, H), view(N, H)] })).toThrow(/dInitial\[1\] must be \[2,4\]; got \[3,4\]/);
    expect(backend.stats().dispatches).toBe(before + 3);
    backend.dispose();
    // Policy off, or 64 bytes of workgroup memory (no row fits): false, and nothing recorded.
    for (const options of [{ wholeSequence: false }, { wholeSequence: true, limits: { maxComputeWorkgroupStorageSize: 64 } }]) {
      const other = await createTestBackend(options);
      const start = other.stats().dispatches;
      expect(other.fused!.layerNormLstmSequence!(argsOn(other).args)).toBe(false);
      expect(other.stats().dispatches).toBe(start);
      other.dispose();
    }
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
