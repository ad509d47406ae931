// Training on a backend whose registry key differs from its `name` (the CPU backend registered
// again as 'cpu2') and on a CPU instance that was never registered: packing, the LSTM scan,
// backward, the optimizer step and moves must all keep to that instance, and give the same
// numbers as the default 'cpu' backend.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpu, createCpuBackend } from '@recur/backend-cpu';
import { LSTM, Linear, crossEntropy } from '@recur/cells';
import { Adam } from '@recur/optim';
import { packPaddedSequence, padPackedSequence } from '@recur/sequence';
import {
  backendOf,
  getBackend,
  manualSeed,
  randn,
  registerBackend,
  resetBackends,
  tensor,
  useBackend,
  Tensor,
  type BackendTarget,
  type BackendV1,
} from '@recur/tensor';

interface Run {
  readonly losses: number[];
  readonly weight: Float32Array;
  readonly backends: Set<BackendV1>;
}

/** Two Adam steps of an LSTM over a packed batch, built on the active backend and moved to `target`. */
async function train(target: BackendTarget | null): Promise<Run> {
  manualSeed(7);
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true });
  const head = new Linear({ inFeatures: 4, outFeatures: 2 });
  const home = getBackend();
  if (target !== null) {
    await lstm.to(target);
    await head.to(target);
  }
  const [weightIh, weightHh] = lstm.parameters();
  const backend = backendOf('test', weightIh!);
  const optimizer = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.05 });
  const seen = new Set<BackendV1>();
  const losses: number[] = [];
  for (let step = 0; step < 2; step++) {
    const x = await randn([3, 5, 3], { backend: home }).to(backend);
    const labels = await tensor([0, 1, 1], { dtype: 'int32', backend: home }).to(backend);
    const packed = packPaddedSequence(x, [5, 2, 4], { batchFirst: true, enforceSorted: false });
    const [out, [hN, cN]] = lstm.forward(packed);
    const [padded, lengths] = padPackedSequence(out, { batchFirst: true });
    for (const t of [packed.data, packed.sortedIndices!, out.data, hN, cN, padded, lengths]) seen.add(backendOf('test', t));
    const loss = crossEntropy(head.forward(hN.squeeze(0)), labels);
    optimizer.zeroGrad();
    loss.backward();
    seen.add(backendOf('test', weightHh!.grad!));
    optimizer.step();
    losses.push(await loss.item());
  }
  await optimizer.to(home);
  await lstm.to(home);
  const state = [...optimizer.state.values()].flatMap((entry) => Object.values(entry).filter((v): v is Tensor => v instanceof Tensor));
  expect(state.length).toBeGreaterThan(0);
  seen.add(backendOf('test', ...lstm.parameters(), ...state));
  return { losses, weight: (await weightIh!.data()) as Float32Array, backends: seen };
}

beforeEach(async () => {
  resetBackends();
  registerBackend(cpu());
  registerBackend(cpu({ simd: false }), { name: 'cpu2' });
  await useBackend('cpu');
});
afterEach(resetBackends);

describe('a CPU backend known by another key, or by no key', () => {
  it('trains an LSTM over a PackedSequence on the active backend registered as cpu2', async () => {
    const reference = await train(null);
    const second = await useBackend('cpu2');
    expect(second.name).toBe('cpu');
    const run = await train(null);
    expect([...run.backends]).toEqual([second]);
    expect(run.losses).toEqual(reference.losses.map((l) => expect.closeTo(l, 5)));
  });

  it('trains after moving the model to cpu2 by key, and back', async () => {
    const reference = await train(null);
    const run = await train('cpu2');
    expect(run.backends.size).toBe(2); // cpu2 while training, cpu after moving back
    expect(run.losses).toEqual(reference.losses.map((l) => expect.closeTo(l, 5)));
    expect(Array.from(run.weight)).toEqual(Array.from(reference.weight).map((w) => expect.closeTo(w, 5)));
  });

  it('trains after moving the model to an instance that was never registered', async () => {
    const loose = createCpuBackend();
    const reference = await train(null);
    const run = await train(loose);
    expect(run.backends).toContain(loose);
    expect(run.losses).toEqual(reference.losses.map((l) => expect.closeTo(l, 5)));
  });
});
