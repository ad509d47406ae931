// fit with a trainStep (the caller's own update, as TruncatedBPTT does it), a resume inside an
// epoch (ResumeState.batch / lossSum / lossWeight), and what batch hooks and progress events
// carry (size, gradNorm, epoch-begin).

import { SGD } from '@recur/optim';
import { ValueError, scope } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { fit, progress, type BatchInfo, type LoopContext, type ProgressEvent } from './index.js';
import { loss, model, regressionData, weights, type Batch } from './test-helpers.js';
import type { Sequential } from '@recur/cells';

describe('fit with a trainStep', () => {
  it('equals the loss path bit for bit when the step does loss → backward → step itself', async () => {
    const data = regressionData();
    const a = model(0, 0);
    const viaLoss = await fit(a, { train: data, loss, optimizer: new SGD(a.parameters(), { lr: 0.1 }), epochs: 3 });
    const b = model(0, 0);
    const optimizer = new SGD(b.parameters(), { lr: 0.1 });
    const seen: BatchInfo[] = [];
    const viaStep = await fit(b, {
      train: data,
      optimizer,
      epochs: 3,
      trainStep: async (m: Sequential, batch: Batch, afterBackward) => {
        optimizer.zeroGrad();
        const value = scope(() => {
          const l = loss(m, batch);
          l.backward();
          return l.detach();
        });
        const number = (await value.data())[0]!;
        value.dispose();
        await afterBackward(number, 0.5);
        optimizer.step();
        return number;
      },
      callbacks: [{ onAfterBackward: (_, info) => void seen.push(info) }],
    });
    expect(viaStep.history).toEqual(viaLoss.history);
    expect(weights(b)).toEqual(weights(a));
    expect(seen[0]).toMatchObject({ batch: 0, size: 1, gradNorm: 0.5 });
    expect(seen).toHaveLength(12);
  });

  // The types refuse these mixes too; JavaScript callers get ValueErrors.
  it('refuses a trainStep with loss, clipGradNorm or validation, and a step that resolves to no number', async () => {
    const m = model();
    const optimizer = new SGD(m.parameters(), { lr: 0.1 });
    const trainStep = async () => 1;
    const base = { train: regressionData(), optimizer, epochs: 1, trainStep };
    await expect(fit(m, { ...base, loss } as never)).rejects.toThrow(new ValueError("fit: give 'loss' or 'trainStep', not both"));
    await expect(fit(m, { ...base, clipGradNorm: 1 } as never)).rejects.toThrow(/'clipGradNorm' does not apply to a trainStep/);
    await expect(fit(m, { ...base, validation: [] } as never)).rejects.toThrow(/'validation' needs 'loss'/);
    await expect(fit(m, { ...base, trainStep: async () => 'x' as never })).rejects.toThrow(
      /trainStep must resolve to the batch's loss \(a number\); got "x" at epoch 0, batch 0/,
    );
    await expect(fit(m, { train: [], optimizer, epochs: 1 } as never)).rejects.toThrow(/'loss' must be a function/);
  });
});

describe('a resume inside an epoch', () => {
  it('skips the done batches and carries the loss so far: the history and weights equal an unbroken fit', async () => {
    const data = regressionData();
    const a = model(0, 0);
    const full = await fit(a, {
      train: data,
      loss,
      optimizer: new SGD(a.parameters(), { lr: 0.1 }),
      epochs: 2,
      batchSize: (b) => b.x.shape[0]!,
    });

    // Stop after batch 2 of epoch 1, remembering the epoch's loss sums as a checkpoint would.
    const b = model(0, 0);
    const optimizer = new SGD(b.parameters(), { lr: 0.1 });
    const controller = new AbortController();
    const saved = { lossSum: 0, lossWeight: 0, batch: 0, step: 0 };
    await expect(
      fit(b, {
        train: data,
        loss,
        optimizer,
        epochs: 2,
        batchSize: (batch) => batch.x.shape[0]!,
        signal: controller.signal,
        callbacks: [
          {
            onEpochBegin: () => void Object.assign(saved, { lossSum: 0, lossWeight: 0, batch: 0 }),
            onBatchEnd: (ctx, info) => {
              Object.assign(saved, { lossSum: saved.lossSum + info.loss * info.size, lossWeight: saved.lossWeight + info.size });
              Object.assign(saved, { batch: info.batch + 1, step: ctx.step });
              if (ctx.epoch === 1 && info.batch === 1) controller.abort(new Error('stopped'));
            },
          },
        ],
      }),
    ).rejects.toThrow('stopped');
    const history = [{ ...full.history[0]! }];
    const seenBatches: number[] = [];
    const resumed = await fit(b, {
      train: data,
      loss,
      optimizer,
      epochs: 2,
      batchSize: (batch) => batch.x.shape[0]!,
      callbacks: [
        { onTrainBegin: (ctx) => (ctx as LoopContext<Sequential>).resume({ epoch: 1, history, ...saved }) },
        { onBatchEnd: (_, info) => void seenBatches.push(info.batch) },
      ],
    });
    expect(seenBatches).toEqual([2, 3]);
    expect(resumed.steps).toBe(full.steps);
    expect(resumed.history).toEqual(full.history);
    expect(weights(b)).toEqual(weights(a));
  });
});

describe('progress events', () => {
  it('say when each epoch begins and how many samples each batch held', async () => {
    const m = model();
    const events: ProgressEvent[] = [];
    await fit(m, {
      train: regressionData(),
      loss,
      optimizer: new SGD(m.parameters(), { lr: 0.1 }),
      epochs: 2,
      batchSize: (b) => b.x.shape[0]!,
      callbacks: [progress((e) => void events.push(e))],
    });
    expect(events.map((e) => e.type)).toEqual([
      'epoch-begin',
      ...Array(4).fill('batch'),
      'epoch',
      'epoch-begin',
      ...Array(4).fill('batch'),
      'epoch',
      'end',
    ]);
    expect(events[0]).toEqual({ type: 'epoch-begin', epoch: 0, epochs: 2, step: 0 });
    expect(events[1]).toMatchObject({ type: 'batch', epoch: 0, batch: 0, step: 1, size: 8 });
  });
});
