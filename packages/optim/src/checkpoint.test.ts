import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LSTMModel } from '@recur/cells';
import { FormatError, manualSeed, noGrad, parseSafetensors, randn, scope, type Tensor } from '@recur/tensor';
import { Adam } from './adam.js';
import { StepLR } from './decay-schedulers.js';
import { clipGradNorm } from './clip.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from './node.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recur-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The seed's recipe: LSTMModel + dropout, Adam(1e-3) + StepLR(5, 0.1) + clipGradNorm(1). */
function setup() {
  const model = new LSTMModel({ inputSize: 3, hiddenSize: 8, outputSize: 1, numLayers: 2, dropout: 0.3 });
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new StepLR(optimizer, { stepSize: 5, gamma: 0.1 });
  return { model, optimizer, scheduler };
}

/** One epoch = a few steps on freshly drawn random data (so the RNG state matters too). */
function trainEpoch(parts: ReturnType<typeof setup>): void {
  for (let step = 0; step < 3; step++) {
    scope(() => {
      const x = randn([4, 6, 3]);
      const y = x.sum({ axis: [1, 2] }).unsqueeze(1);
      const loss = parts.model.forward(x).sub(y).square().mean();
      loss.backward();
      clipGradNorm(parts.model.parameters(), 1.0);
      parts.optimizer.step();
      parts.optimizer.zeroGrad();
    });
  }
  parts.scheduler.step();
}

const bits = (t: Tensor): number[] => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

describe('checkpoints', () => {
  it('a run resumed from a checkpoint continues bitwise identically to the straight run', async () => {
    manualSeed(7);
    const straight = setup();
    for (let epoch = 0; epoch < 8; epoch++) trainEpoch(straight);

    manualSeed(7);
    const first = setup();
    for (let epoch = 0; epoch < 4; epoch++) trainEpoch(first);
    const path = join(dir, 'run.safetensors');
    await saveCheckpoint(path, { ...first, extra: { epoch: 4 } });
    first.model.dispose();
    first.optimizer.dispose();

    manualSeed(999); // a different stream: the checkpoint must restore the RNG
    const resumed = setup();
    const extra = (await loadCheckpoint(path, resumed)) as { epoch: number };
    expect(extra.epoch).toBe(4);
    for (let epoch = extra.epoch; epoch < 8; epoch++) trainEpoch(resumed);

    expect(resumed.scheduler.getLastLr()).toEqual(straight.scheduler.getLastLr());
    const a = straight.model.stateDict();
    const b = resumed.model.stateDict();
    for (const key of Object.keys(a)) expect(bits(b[key]!), key).toEqual(bits(a[key]!));
    expect(await readdir(dir)).toEqual(['run.safetensors']);
  }, 60_000);

  it('keeps model weights under PyTorch keys and optimizer tensors under prefixed keys', async () => {
    manualSeed(1);
    const parts = setup();
    trainEpoch(parts);
    const bytes = await encodeCheckpoint(parts);
    const loaded = parseSafetensors(bytes);
    const keys = Object.keys(loaded.tensors);
    expect(keys).toContain('lstm.weight_ih_l0');
    expect(keys).toContain('fc.bias');
    expect(keys.some((k) => k.startsWith('optimizer/state/0/exp_avg'))).toBe(true);
    expect(loaded.metadata.format).toBe('pt');
    for (const t of Object.values(loaded.tensors)) t.dispose();
  });

  it('refuses plain weights and wrong parts with a FormatError', async () => {
    const parts = setup();
    const weightsOnly = await encodeCheckpoint({ model: parts.model });
    expect(() => decodeCheckpoint(weightsOnly, { optimizer: parts.optimizer })).toThrow(/holds no optimizer state/);
    const { serializeSafetensors } = await import('@recur/tensor');
    const plain = await serializeSafetensors(noGrad(() => parts.model.stateDict()));
    expect(() => decodeCheckpoint(plain, { model: parts.model })).toThrow(FormatError);
  });
});
