// The task session's callbacks on @recur/train's fit: divergence reported by a trainStep (the
// TBPTT samples' path), and early stopping on the task's metric that keeps and saves the best
// epoch's weights. The runner's own paths (resume, Ctrl-C, epoch checkpoints) are in runner.test.ts.

import { describe, expect, it } from 'vitest';
import { Linear, mseLoss } from '@recur/cells';
import { SGD } from '@recur/optim';
import { scalar } from '@recur/tensor';
import { fit } from '@recur/train';
import { TrainingDivergedError } from './errors.js';
import type { TrainEvent } from './events.js';
import { taskSession, type TaskSessionOptions } from './task-callbacks.js';
import type { FitProgress } from './task.js';

function session(extra: Partial<TaskSessionOptions> = {}) {
  const events: TrainEvent[] = [];
  const saves: { progress: FitProgress; reason: string; bias: number }[] = [];
  const s = taskSession({
    metric: { name: 'mae', higherIsBetter: false },
    reporter: (e) => events.push(e),
    signal: new AbortController().signal,
    resume: null,
    interruptible: () => {},
    save: async (state, progress, reason) => {
      const bias = (await state.model.stateDict().bias!.data())[0]!;
      saves.push({ progress, reason, bias });
      return 'run/checkpoint.safetensors';
    },
    ...extra,
  });
  return { s, events, saves };
}

const model = () => new Linear({ inFeatures: 1, outFeatures: 1 });
const batches = [0, 1, 2];

describe('divergence through a trainStep', () => {
  it('a NaN loss or an infinite gradient norm handed to afterBackward stops the run naming epoch and batch', async () => {
    for (const [bad, message] of [
      [{ loss: NaN }, /^training diverged: loss NaN at epoch 2, batch 2\/3 \(lr 0\.1\)/],
      [{ loss: 1, gradNorm: Infinity }, /^training diverged: gradient norm Infinity at epoch 2, batch 2\/3/],
    ] as const) {
      const m = model();
      const { s, events } = session();
      const error = await fit(m, {
        train: batches,
        optimizer: new SGD(m.parameters(), { lr: 0.1 }),
        epochs: 2,
        trainStep: async (_, batch, afterBackward) => {
          const diverging = events.some((e) => e.event === 'epoch') && batch === 1;
          await afterBackward(diverging ? bad.loss : 1, diverging && 'gradNorm' in bad ? bad.gradNorm : 0.5);
          return 1;
        },
        validate: () => ({ valLoss: 1, mae: 1 }),
        callbacks: s.callbacks({ batches: () => batches.length }),
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TrainingDivergedError);
      expect((error as Error).message).toMatch(message);
      expect(s.history).toHaveLength(1);
    }
  });
});

describe('early stopping on the task metric', () => {
  const script = [5, 4, 6, 7, 3, 2];

  async function run(extra: Partial<TaskSessionOptions>, keepBest = false) {
    const m = model();
    const { s, events, saves } = session(extra);
    const biases: number[] = [];
    const result = await fit(m, {
      train: batches,
      loss: (mm, i) => mseLoss(mm.forward(scalar(i).reshape([1, 1])), scalar(2 * i).reshape([1, 1])),
      optimizer: new SGD(m.parameters(), { lr: 0.1 }),
      epochs: script.length,
      validate: async (mm, epoch) => {
        biases.push((await mm.bias!.data())[0]!);
        return { valLoss: 1, mae: script[epoch]! };
      },
      callbacks: s.callbacks({ batches: () => batches.length, keepBest }),
    });
    return { result, s, events, saves, biases, bias: (await m.bias!.data())[0]! };
  }

  it('--early-stopping 2 stops after epoch 4, restores epoch 2 and saves it with a note', async () => {
    const { result, s, events, saves, biases, bias } = await run({ patience: 2 });
    expect(result.history).toHaveLength(4);
    expect(s.history.map((r) => r.metrics.mae)).toEqual([5, 4, 6, 7]);
    expect(bias).toBe(biases[1]);
    expect(saves.map((x) => x.reason)).toEqual(['epoch', 'epoch', 'epoch', 'epoch', 'epoch']);
    expect(saves.at(-1)).toMatchObject({ progress: { epoch: 4, batch: 0 }, bias: biases[1] });
    const notes = events.filter((e) => e.event === 'note').map((e) => (e as { message: string }).message);
    expect(notes).toEqual([
      'early stopping: validation mae did not improve for 2 epochs; stopped after epoch 4 of 6',
      "early stopping: kept epoch 2's weights (validation mae 4), saved to run/checkpoint.safetensors",
    ]);
  });

  it('keepBest alone runs every epoch and keeps the best one (the last here: no extra save)', async () => {
    const { result, saves, biases, bias, events } = await run({}, true);
    expect(result.history).toHaveLength(6);
    expect(bias).toBe(biases[5]);
    expect(saves).toHaveLength(6);
    expect(events.some((e) => e.event === 'note')).toBe(false);
  });
});
