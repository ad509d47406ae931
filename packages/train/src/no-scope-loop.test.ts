// Memory without ceremony: a small LSTM trained the PyTorch way — no scope(), no dispose() — for
// 1,000 steps. Tensors nobody can reach are reclaimed by the tensor core's FinalizationRegistry,
// so after gc() the live tensors and backend bytes stay flat and the JS heap grows no faster than
// the same loop's under scope() (run with --expose-gc: vitest.config.ts passes it).

import { describe, expect, it } from 'vitest';
import { LSTM, Linear, crossEntropy } from '@recur/cells';
import { Adam } from '@recur/optim';
import { manualSeed, memory, randn, scope, tensor } from '@recur/tensor';

const gc = (globalThis as { gc?: () => void }).gc;

async function collect(): Promise<void> {
  // Finalizers run in later tasks: collect, let them run, collect what they released.
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

interface Sample {
  readonly step: number;
  readonly tensors: number;
  readonly bytes: number;
  readonly heap: number;
}

/** The cells README's model trained for `steps`; memory sampled after gc() at `from` and at the end. */
async function train(steps: number, from: number, scoped: boolean): Promise<[Sample, Sample]> {
  manualSeed(0);
  const lstm = new LSTM({ inputSize: 8, hiddenSize: 16, numLayers: 2, batchFirst: true });
  const head = new Linear({ inFeatures: 16, outFeatures: 3 });
  const optimizer = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-2 });
  const x = randn([4, 10, 8]);
  const y = tensor([0, 2, 1, 0], { dtype: 'int32' });
  const step = (): number => {
    optimizer.zeroGrad();
    const [output] = lstm.forward(x);
    const loss = crossEntropy(head.forward(output.select(1, -1)), y);
    loss.backward();
    optimizer.step();
    return loss.itemSync();
  };
  const samples: Sample[] = [];
  for (let i = 1; i <= steps; i++) {
    if (scoped) scope(step);
    else step();
    // The loop awaits now and then (logging, data loading): finalizers run when the event loop turns.
    if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    if (i === from || i === steps) {
      await collect();
      const m = memory();
      samples.push({ step: i, tensors: m.numTensors, bytes: m.numBytes, heap: process.memoryUsage().heapUsed });
    }
  }
  for (const t of [x, y, ...lstm.parameters(), ...head.parameters()]) t.dispose();
  return samples as [Sample, Sample];
}

function perStep([early, late]: [Sample, Sample], key: 'bytes' | 'heap'): number {
  return (late[key] - early[key]) / (late.step - early.step);
}

describe('a training loop without scope()', () => {
  it.skipIf(!gc)(
    'keeps memory() flat over 1,000 steps and the heap as flat as under scope()',
    async () => {
      // The scoped run first: the second run profits from the first's compiled code.
      const scoped = await train(1000, 200, true);
      const bare = await train(1000, 200, false);
      const report = (name: string, s: [Sample, Sample]): string =>
        `${name}: tensors ${s[0].tensors} → ${s[1].tensors}, backend bytes ${perStep(s, 'bytes').toFixed(1)} B/step, ` +
        `heap ${(s[0].heap / 1e6).toFixed(2)} → ${(s[1].heap / 1e6).toFixed(2)} MB (${perStep(s, 'heap').toFixed(0)} B/step)`;
      console.log(`${report('no scope', bare)}\n${report('scope', scoped)}`);
      expect(bare[1].tensors).toBe(bare[0].tensors);
      expect(bare[1].bytes).toBe(bare[0].bytes);
      // Before the finalizer: +6 tensors and +6,196 backend bytes and +2.9 KB of heap per step.
      expect(perStep(bare, 'heap')).toBeLessThan(perStep(scoped, 'heap') + 500);
    },
    300_000,
  );
});
