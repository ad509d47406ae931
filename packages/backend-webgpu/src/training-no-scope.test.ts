// 1,000 SGD steps of a small LSTM on webgpu written the PyTorch way — no scope(), no dispose():
// the tensor core's finalizer frees unreachable tensors' GPU buffers through the backend's
// `free`, so after gc() live tensors, live buffers and bytes stay flat. T time, B batch, H hidden.

import { LSTM, mseLoss } from '@recur/cells';
import { manualSeed, memory, noGrad, randn, registerBackend, useBackend } from '@recur/tensor';
import { expect, it } from 'vitest';
import type { WebGPUBackend } from './backend.js';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

const T = 2;
const B = 2;
const H = 3;
const STEPS = 1000;
const gc = (globalThis as { gc?: () => void }).gc;

async function collect(): Promise<void> {
  // Finalizers run in later tasks: collect, let them run, collect what they released.
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

describeGpu('training on webgpu without scope()', () => {
  it.skipIf(!gc)(`keeps live tensors and GPU bytes flat over ${STEPS} LSTM steps after gc()`, async () => {
    registerBackend(() => createTestBackend(), { name: 'webgpu-no-scope' });
    const backend = (await useBackend('webgpu-no-scope')) as WebGPUBackend;
    manualSeed(7);
    const lstm = new LSTM({ inputSize: 2, hiddenSize: H });
    const x = randn([T, B, 2]);
    const target = randn([T, B, H]).mul(0.5);
    const parameters = lstm.parameters();
    const step = async (read: boolean): Promise<void> => {
      const [y] = lstm.forward(x);
      const loss = mseLoss(y, target);
      loss.backward();
      noGrad(() => {
        for (const p of parameters) p.assign(p.sub(p.grad!.mul(0.1)));
      });
      lstm.zeroGrad();
      // Reading the loss now and then (logging) waits for the GPU and turns the event loop.
      if (read) await loss.data();
    };
    const sample = async (): Promise<{ tensors: number; live: unknown }> => {
      await collect();
      return { tensors: memory().numTensors, live: backend.memory() };
    };
    for (let i = 0; i < 200; i++) await step(i % 10 === 0);
    const warm = await sample();
    for (let i = 200; i < STEPS; i++) await step(i % 10 === 0);
    const end = await sample();
    expect(end.tensors, 'live tensors').toBe(warm.tensors);
    expect(end.live, 'live buffers and bytes').toEqual(warm.live);
    lstm.dispose();
    x.dispose();
    target.dispose();
  });
});
