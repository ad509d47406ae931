// 1000 SGD steps of a small LSTM on the webgpu backend: after warm-up the backend creates no
// GPUBuffers, its live buffers and bytes stay flat, and the loss goes down. Tiny sizes keep it
// quick on SwiftShader; T time, B batch, H hidden.

import { LSTM, mseLoss } from '@recur/cells';
import { manualSeed, memory, noGrad, randn, registerBackend, scope, useBackend } from '@recur/tensor';
import { expect, it } from 'vitest';
import type { WebGPUBackend } from './backend.js';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

const T = 2;
const B = 2;
const H = 3;
const STEPS = 1000;
const LEARNING_RATE = 0.1;

describeGpu('training on webgpu', () => {
  it(`keeps GPU buffers and bytes flat over ${STEPS} LSTM steps`, async () => {
    registerBackend(() => createTestBackend(), { name: 'webgpu-training' });
    const backend = (await useBackend('webgpu-training')) as WebGPUBackend;
    manualSeed(7);
    const lstm = new LSTM({ inputSize: 2, hiddenSize: H });
    const x = randn([T, B, 2]);
    // Disposed at once: the finalizer would free it at some later GC and move the live count.
    const noise = randn([T, B, H]);
    const target = noise.mul(0.5);
    noise.dispose();
    const parameters = lstm.parameters();
    const step = (): number =>
      scope(() => {
        const [y] = lstm.forward(x);
        const loss = mseLoss(y, target);
        loss.backward();
        noGrad(() => {
          for (const p of parameters) p.assign(p.sub(p.grad!.mul(LEARNING_RATE)));
        });
        lstm.zeroGrad();
        return 0;
      });
    const lossNow = async (): Promise<number> => {
      const loss = scope(() => mseLoss(lstm.forward(x)[0], target));
      const value = (await loss.data())[0]!;
      loss.dispose();
      return value;
    };

    const firstLoss = await lossNow();
    for (let i = 0; i < 20; i++) step();
    await lossNow();
    const warm = { gpu: backend.stats().storage, live: backend.memory(), tensors: memory().numTensors };
    for (let i = 20; i < STEPS; i++) {
      step();
      // Reading the loss now and then waits for the GPU, so the queue never runs far ahead.
      if (i % 100 === 0) await lossNow();
    }
    const lastLoss = await lossNow();
    const end = { gpu: backend.stats().storage, live: backend.memory(), tensors: memory().numTensors };

    expect(end.gpu.buffers, 'GPUBuffers created after warm-up').toBe(warm.gpu.buffers);
    expect(end.gpu.bytes, 'GPU bytes after warm-up').toBe(warm.gpu.bytes);
    expect(end.live, 'live buffers and bytes').toEqual(warm.live);
    expect(end.tensors, 'live tensors').toBe(warm.tensors);
    expect(lastLoss).toBeLessThan(firstLoss);
    lstm.dispose();
    x.dispose();
    target.dispose();
  });
});
