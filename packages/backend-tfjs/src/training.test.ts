// 1000 Adam steps of a small LSTM on tfjs wasm and cpu: after warm-up Recur's live tensors and its
// backend's buffers and bytes stay flat, and so do tfjs's own tf.memory() tensors and bytes (every
// buffer's tensor is disposed when Recur frees or overwrites it); the loss goes down.
// T time, B batch, H hidden.

import { LSTM, mseLoss } from '@recur/cells';
import { Adam } from '@recur/optim';
import { manualSeed, memory, randn, registerBackend, scope, useBackend } from '@recur/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend } from './backend.js';

const [T, B, H] = [3, 2, 4];
const STEPS = 1000;

describe.each(['wasm', 'cpu'] as const)('training on tfjs %s', (engine) => {
  it(`keeps Recur's and tfjs's memory flat over ${STEPS} LSTM + Adam steps`, async () => {
    const name = `tfjs-training-${engine}`;
    registerBackend(() => createTfjsBackend({ backend: engine }), { name });
    const backend = await useBackend(name);
    manualSeed(11);
    const lstm = new LSTM({ inputSize: 2, hiddenSize: H });
    const x = randn([T, B, 2]);
    const noise = randn([T, B, H]);
    const target = noise.mul(0.5);
    noise.dispose();
    const optimizer = new Adam(lstm.parameters(), { lr: 0.01 });
    const step = (): void =>
      scope(() => {
        optimizer.zeroGrad();
        const [y] = lstm.forward(x);
        mseLoss(y, target).backward();
        optimizer.step();
      });
    const lossNow = async (): Promise<number> => {
      const loss = scope(() => mseLoss(lstm.forward(x)[0], target));
      const value = (await loss.data())[0]!;
      loss.dispose();
      return value;
    };
    const snapshot = () => ({
      recur: memory().numTensors,
      buffers: backend.memory(),
      tfjs: tf.memory().numTensors,
      tfjsBytes: tf.memory().numBytes,
    });

    const firstLoss = await lossNow();
    for (let i = 0; i < 20; i++) step();
    await lossNow();
    const warm = snapshot();
    for (let i = 20; i < STEPS; i++) step();
    const lastLoss = await lossNow();
    const end = snapshot();

    expect(end.recur, 'Recur live tensors').toBe(warm.recur);
    expect(end.buffers, 'backend buffers and bytes').toEqual(warm.buffers);
    expect(end.tfjs, 'tf.memory().numTensors').toBe(warm.tfjs);
    expect(end.tfjsBytes, 'tf.memory().numBytes').toBe(warm.tfjsBytes);
    expect(lastLoss).toBeLessThan(firstLoss);
    lstm.dispose();
    x.dispose();
    target.dispose();
  });
});
