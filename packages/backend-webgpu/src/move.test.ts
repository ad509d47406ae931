// Moving between the CPU and WebGPU (Dawn on SwiftShader): a tensor's cpu → webgpu → cpu round
// trip is exact; a model trained on WebGPU, moved with its optimizer to the CPU, gives the same
// outputs and keeps training, and moving frees the memory it leaves (memory() per backend).

import { cpu } from '@recur/backend-cpu';
import { Linear, mseLoss } from '@recur/cells';
import { Adam } from '@recur/optim';
import { manualSeed, memory, randn, registerBackend, scope, useBackend, type Tensor } from '@recur/tensor';
import { expect, it } from 'vitest';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

describeGpu('moving between cpu and webgpu', () => {
  it('round trips a tensor cpu → webgpu → cpu exactly, in every dtype', async () => {
    registerBackend(cpu());
    registerBackend(() => createTestBackend(), { name: 'webgpu' });
    await useBackend('cpu');
    manualSeed(11);
    const a = randn([5, 7]).transpose(); // a strided view
    const onGpu = await a.to('webgpu');
    expect(onGpu.backend).toBe('webgpu');
    const back = await onGpu.to('cpu');
    expect(back.backend).toBe('cpu');
    expect(back.shape).toEqual([7, 5]);
    expect(Array.from(await back.data())).toEqual(Array.from(await a.data()));
    for (const dtype of ['int32', 'bool'] as const) {
      const t = randn([6]).gt(0).toDType(dtype);
      const there = await t.to('webgpu');
      expect(there.dtype).toBe(dtype);
      expect(Array.from(await (await there.to('cpu')).data())).toEqual(Array.from(await t.data()));
    }
  });

  it('trains on webgpu, moves to cpu with its optimizer: same outputs, training continues, old buffers freed', async () => {
    registerBackend(cpu());
    registerBackend(() => createTestBackend(), { name: 'webgpu' });
    await useBackend('webgpu');
    manualSeed(5);
    const model = new Linear({ inFeatures: 4, outFeatures: 3 });
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    const x = randn([8, 4]);
    const y = randn([8, 3]);
    const step = (input: Tensor, target: Tensor): void =>
      scope(() => {
        opt.zeroGrad();
        mseLoss(model.forward(input), target).backward();
        opt.step();
      });
    for (let i = 0; i < 5; i++) step(x, y);
    const gpuOut = scope(() => model.forward(x));
    const expected = Array.from(await gpuOut.data());
    gpuOut.dispose();
    const gpuBefore = memory().backends['webgpu']!;

    await model.to('cpu');
    await opt.to('cpu');
    const xc = await x.to('cpu');
    const yc = await y.to('cpu');
    const gpuAfter = memory().backends['webgpu']!;
    // weight, bias, their grads, and Adam's exp_avg and exp_avg_sq for each: 8 buffers left the GPU.
    expect(gpuBefore.numBuffers - gpuAfter.numBuffers).toBe(8);
    expect(gpuBefore.numBytes - gpuAfter.numBytes).toBe(4 * 4 * (4 * 3 + 3));
    expect(model.weight.backend).toBe('cpu');

    const cpuOut = scope(() => model.forward(xc));
    const got = Array.from(await cpuOut.data());
    cpuOut.dispose();
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 5);

    const lossNow = async (): Promise<number> => {
      const loss = scope(() => mseLoss(model.forward(xc), yc));
      const value = await loss.item();
      loss.dispose();
      return value;
    };
    const lossBefore = await lossNow();
    step(xc, yc); // an optimizer step after the move
    const lossAfter = await lossNow();
    expect(lossAfter).toBeLessThan(lossBefore);

    await model.to('webgpu'); // and back again
    await opt.to('webgpu');
    expect(memory().backends['webgpu']!.numBuffers).toBe(gpuBefore.numBuffers);
    step(x, y);
    expect(model.weight.backend).toBe('webgpu');
    // webgpu → cpu moves every value bit for bit.
    const onGpu = [Array.from(await model.weight.data()), Array.from(await model.bias!.data())];
    await model.to('cpu');
    expect([Array.from(await model.weight.data()), Array.from(await model.bias!.data())]).toEqual(onGpu);
  });
});
