// Callbacks that can fail: early stopping stops at the right epoch of a scripted metric,
// restoreBest restores the best epoch's weights, checkpoints resume to the bit, the best
// checkpoint holds the best weights, and NaN/Inf stops fit with a NonFiniteError naming the
// step and the tensor.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@recur/cells';
import { Adam, SGD, StepLR, decodeCheckpoint } from '@recur/optim';
import { ValueError, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { checkpoint, earlyStopping, fit, NonFiniteError, terminateOnNonFinite, type Callback, type Logs } from './index.js';
import { checkpoint as fileCheckpoint } from '../node.js';
import { loss, model, regressionData, weights } from './test-helpers.js';

/** A callback that writes scripted[epoch] into the logs as 'score' (runs before the monitors). */
const scripted = (values: number[]): Callback => ({ onEpochEnd: (ctx, logs: Logs) => void (logs.score = values[ctx.epoch]!) });

describe('earlyStopping', () => {
  const run = async (values: number[], options: Parameters<typeof earlyStopping>[0]) => {
    const m = model();
    const stopper = earlyStopping(options);
    const result = await fit(m, {
      train: regressionData(),
      loss,
      optimizer: new SGD(m.parameters(), { lr: 0.01 }),
      epochs: values.length,
      callbacks: [scripted(values), stopper],
    });
    return { epochs: result.history.length, stopper, result };
  };

  it('stops after `patience` epochs without improvement (min)', async () => {
    const { epochs, stopper, result } = await run([5, 4, 3, 3.5, 3.2, 3.1, 1, 0], { monitor: 'score', patience: 3 });
    expect(epochs).toBe(6); // best 3 at epoch 2; epochs 3, 4, 5 do not improve → stop after epoch 5
    expect(stopper.bestEpoch).toBe(2);
    expect(stopper.stoppedEpoch).toBe(5);
    expect(result.stopReason).toMatch(/'score' did not improve on 3 \(epoch 2\) for 3 epoch/);
  });

  it('honours mode max and minDelta', async () => {
    expect((await run([1, 2, 2.05, 2.08, 9], { monitor: 'score', mode: 'max', patience: 2, minDelta: 0.1 })).epochs).toBe(4);
    expect((await run([1, 2, 2.05, 2.08, 9], { monitor: 'score', mode: 'max', patience: 2 })).epochs).toBe(5);
    expect((await run([3, 2, 1, 0], { monitor: 'score' })).epochs).toBe(4);
    expect((await run([3, 4, 1, 0], { monitor: 'score' })).epochs).toBe(2); // patience 0: first bad epoch stops
  });

  it('names a missing monitor and rejects bad options', async () => {
    await expect(run([1, 2], { monitor: 'valLoss' })).rejects.toThrow(
      "earlyStopping: monitors 'valLoss', which this epoch's logs lack (they have: loss, lr, score)",
    );
    expect(() => earlyStopping({ patience: -1 })).toThrow(ValueError);
    expect(() => earlyStopping({ mode: 'down' as never })).toThrow("earlyStopping: 'mode' must be 'min' or 'max'");
    expect(() => earlyStopping({ patients: 2 } as never)).toThrow(/unknown option 'patients' \(did you mean 'patience'\?\)/);
  });

  it("restoreBest loads the best epoch's weights back", async () => {
    const m = model();
    const seen: Record<string, number[]>[] = [];
    await fit(m, {
      train: regressionData(),
      loss,
      optimizer: new SGD(m.parameters(), { lr: 0.05 }),
      epochs: 6,
      callbacks: [
        scripted([4, 3, 1, 2, 2.5, 3]),
        { onEpochEnd: (ctx) => void seen.push(weights(ctx.model as never)) },
        earlyStopping({ monitor: 'score', patience: 2, restoreBest: true }),
      ],
    });
    expect(seen).toHaveLength(5);
    expect(weights(m)).toEqual(seen[2]);
    expect(weights(m)).not.toEqual(seen[4]);
  });
});

describe('checkpoint', () => {
  const setup = (seed: number) => {
    const m = model(seed, 0.2); // dropout: a resume must restore the random stream too
    const optimizer = new Adam(m.parameters(), { lr: 0.02 });
    const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    return { m, optimizer, scheduler };
  };
  const memoryFiles = () => {
    const files = new Map<string, Uint8Array>();
    return { save: async (p: string, b: Uint8Array) => void files.set(p, b.slice()), load: async (p: string) => files.get(p) ?? null };
  };

  it('a resumed fit equals an uninterrupted one, bit for bit', async () => {
    const data = regressionData();
    const a = setup(0);
    const full = await fit(a.m, {
      train: data,
      validation: data.all,
      loss,
      optimizer: a.optimizer,
      scheduler: a.scheduler,
      epochs: 5,
      callbacks: [earlyStopping({ patience: 10 })],
    });

    const io = memoryFiles();
    const b = setup(0);
    const controller = new AbortController();
    const first = fit(b.m, {
      train: data,
      validation: data.all,
      loss,
      optimizer: b.optimizer,
      scheduler: b.scheduler,
      epochs: 5,
      signal: controller.signal,
      callbacks: [
        earlyStopping({ patience: 10 }),
        checkpoint({ last: 'last', ...io }),
        {
          onBatchEnd: (ctx) => {
            if (ctx.step === 10) controller.abort();
          },
        },
      ],
    });
    await expect(first).rejects.toThrow();
    // A fresh process: other initial weights, a new optimizer and scheduler, then resume.
    const c = setup(99);
    const cp = checkpoint({ last: 'last', resume: true, ...io });
    const resumed = await fit(c.m, {
      train: data,
      validation: data.all,
      loss,
      optimizer: c.optimizer,
      scheduler: c.scheduler,
      epochs: 5,
      callbacks: [earlyStopping({ patience: 10 }), cp],
    });
    expect(cp.resumedFrom).toBe(1); // the abort came in epoch 2, so epoch 1 was the last saved
    expect(resumed.history).toEqual(full.history);
    expect(resumed.steps).toBe(full.steps);
    expect(weights(c.m)).toEqual(weights(a.m));
  });

  it('writes the best and last checkpoints atomically to files; best holds the best epoch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'recur-fit-'));
    try {
      const { m, optimizer } = setup(0);
      const seen: Record<string, number[]>[] = [];
      await fit(m, {
        train: regressionData(),
        loss,
        optimizer,
        epochs: 4,
        callbacks: [
          scripted([3, 1, 2, 4]),
          { onEpochEnd: (ctx) => void seen.push(weights(ctx.model as never)) },
          fileCheckpoint({ last: join(dir, 'last.safetensors'), best: join(dir, 'best.safetensors'), monitor: 'score' }),
        ],
      });
      const { readFile } = await import('node:fs/promises');
      const load = async (name: string) => {
        const fresh = model(7);
        const extra = decodeCheckpoint(await readFile(join(dir, name)), { model: fresh }, name) as { epoch: number };
        return { w: weights(fresh), epoch: extra.epoch };
      };
      const best = await load('best.safetensors');
      expect(best.w).toEqual(seen[1]);
      expect(best.epoch).toBe(2);
      const last = await load('last.safetensors');
      expect(last.w).toEqual(seen[3]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects options it cannot honour', async () => {
    expect(() => checkpoint({})).toThrow("checkpoint: give 'last', 'best' or both (the paths to write)");
    // The main entry has no file system: without save/load it says where files are.
    const m = model(1);
    await expect(
      fit(m, {
        train: regressionData(),
        loss,
        optimizer: new SGD(m.parameters(), { lr: 0.1 }),
        epochs: 1,
        callbacks: [checkpoint({ last: 'x' })],
      }),
    ).rejects.toThrow(/'@recur\/train\/node'/);
    expect(() => checkpoint({ best: 'b', resume: true })).toThrow("checkpoint: 'resume' needs 'last'");
    expect(() => checkpoint({ last: 'x', every: 2 } as never)).toThrow(/unknown option 'every'/);
  });
});

class Root extends Module {
  readonly weight: Tensor;
  constructor(value: number) {
    super();
    this.weight = this.registerParameter('weight', tensor([value]).requireGrad() as never);
  }
}

describe('terminateOnNonFinite', () => {
  it('stops on a NaN loss naming the step', async () => {
    const m = model();
    const batches = [...regressionData().batches(0)];
    const badLoss = (mm: typeof m, b: (typeof batches)[0]) => (b === batches[2] ? loss(mm, b).mul(-1).log() : loss(mm, b));
    const error = await fit(m, {
      train: batches,
      loss: badLoss,
      optimizer: new SGD(m.parameters(), { lr: 0.01 }),
      epochs: 2,
      callbacks: [terminateOnNonFinite()],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteError);
    expect((error as NonFiniteError).message).toBe('fit: the loss is NaN at step 2 (epoch 0, batch 2)');
  });

  it('stops on an infinite gradient before the step, naming the parameter', async () => {
    const m = new Root(0);
    const before = weights(m);
    const error = await fit(m, {
      train: [1],
      loss: (mm: Root) => mm.weight.sqrt().sum(),
      optimizer: new SGD(m.parameters(), { lr: 0.01 }),
      epochs: 1,
      callbacks: [terminateOnNonFinite()],
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("fit: the gradient of 'weight' is Infinity at step 0 (epoch 0, batch 0)");
    expect(weights(m)).toEqual(before); // the step never ran
  });

  it('checks weights after the step when asked', async () => {
    const m = new Root(1);
    // A finite loss whose gradient (1e38 · 1e38 overflow) blows the weight up through the step.
    const error = await fit(m, {
      train: [1],
      loss: (mm: Root) => mm.weight.mul(3e38).sum(),
      optimizer: new SGD(m.parameters(), { lr: 3e38 }),
      epochs: 1,
      callbacks: [terminateOnNonFinite({ check: ['loss', 'gradients', 'weights'] })],
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("fit: the weight 'weight' is -Infinity at step 0 (epoch 0, batch 0)");
    expect(() => terminateOnNonFinite({ check: ['grads' as never] })).toThrow(ValueError);
  });
});
