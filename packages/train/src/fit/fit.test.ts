// fit / evaluate / predict: training converges on any data source, options are validated,
// schedulers step per epoch / batch / plateau, abort stops between batches, progress events.

import { ReduceLROnPlateau, SGD, StepLR } from '@recur/optim';
import { ValueError, memory, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { earlyStopping, evaluate, fit, predict, progress, type ProgressEvent } from './index.js';
import { loss, model, regressionData } from './test-helpers.js';

describe('fit', () => {
  it('trains on a DataLoader-like source and reports loss, valLoss and lr per epoch', async () => {
    const m = model();
    const data = regressionData();
    const optimizer = new SGD(m.parameters(), { lr: 0.1 });
    const before = (await evaluate(m, { data: data.all, loss })).loss;
    const { history, steps } = await fit(m, { train: data, validation: data.all, loss, optimizer, epochs: 20 });
    expect(history).toHaveLength(20);
    expect(steps).toBe(80);
    expect(history[0]!.lr).toBe(0.1);
    expect(history[19]!.valLoss).toBeLessThan(before / 5);
    expect(history[19]!.loss).toBeLessThan(history[0]!.loss!);
    const out = await predict(m, { data: data.all, forward: (mm, b) => mm.forward(b.x) });
    expect(out.shape).toEqual([32, 1]);
  });

  it('accepts plain arrays, generator functions and async iterables', async () => {
    const data = regressionData();
    const batches = [...data.batches(0)];
    for (const train of [
      batches,
      (epoch: number) => data.batches(epoch),
      (async function* () {
        yield* batches;
      })(),
    ]) {
      const m = model();
      const { history } = await fit(m, { train, loss, optimizer: new SGD(m.parameters(), { lr: 0.05 }), epochs: 1 });
      expect(history[0]!.loss).toBeGreaterThan(0);
    }
  });

  it('says why a second epoch of a one-shot generator has no batches', async () => {
    const m = model();
    const once = regressionData().batches(0)[Symbol.iterator]();
    await expect(
      fit(m, { train: { [Symbol.iterator]: () => once }, loss, optimizer: new SGD(m.parameters(), { lr: 0.01 }), epochs: 2 }),
    ).rejects.toThrow(
      "fit: 'train' gave no batches in epoch 1 (a generator object runs once: pass a function (epoch) => batches, or an array)",
    );
  });

  it('rejects unknown options and bad values with ValueErrors', async () => {
    const m = model();
    const optimizer = new SGD(m.parameters(), { lr: 0.1 });
    const base = { train: [], loss, optimizer, epochs: 1 };
    await expect(fit(m, { ...base, epoch: 3 } as never)).rejects.toThrow(
      new ValueError(
        "fit: unknown option 'epoch' (did you mean 'epochs'?); known options: train, validation, loss, trainStep, optimizer, scheduler, epochs, clipGradNorm, callbacks, signal, batchSize, validate",
      ),
    );
    await expect(fit(m, { ...base, epochs: 0 })).rejects.toThrow(/'epochs' must be a positive integer; got 0/);
    await expect(fit(m, { ...base, train: 5 } as never)).rejects.toThrow(/'train' must be a DataLoader/);
    await expect(fit(m, { ...base, clipGradNorm: -1 })).rejects.toThrow(/'clipGradNorm' must be a positive/);
    await expect(fit(m, { ...base, callbacks: [{ onEpochEnd: 3 }] } as never)).rejects.toThrow(
      /callbacks\[0\]\.onEpochEnd must be a function/,
    );
    await expect(fit(m, base)).rejects.toThrow(new ValueError("fit: 'train' gave no batches in epoch 0"));
    await expect(evaluate(m, { data: [], loss, batch_size: 2 } as never)).rejects.toThrow(
      /unknown option 'batch_size' \(did you mean 'batchSize'\?\)/,
    );
  });

  it('steps a scheduler per epoch, per batch and on plateau', async () => {
    const data = regressionData();
    const lrs = async (make: (o: SGD) => object, interval?: 'batch' | 'plateau'): Promise<number[]> => {
      const m = model();
      const optimizer = new SGD(m.parameters(), { lr: 0.1 });
      const s = make(optimizer) as never;
      const seen: number[] = [];
      await fit(m, {
        train: data,
        loss,
        optimizer,
        epochs: 3,
        scheduler: interval ? { scheduler: s, interval, monitor: 'loss' } : s,
        callbacks: [{ onBatchEnd: () => void seen.push(optimizer.paramGroups[0]!.lr) }],
      });
      return seen;
    };
    const perEpoch = await lrs((o) => new StepLR(o, { stepSize: 1, gamma: 0.5 }));
    expect(perEpoch).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025]);
    const perBatch = await lrs((o) => new StepLR(o, { stepSize: 4, gamma: 0.5 }), 'batch');
    expect(perBatch).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.0125]);
    // A loss that never improves by 100% (threshold 1, rel): every epoch is bad; patience 0 halves it each time.
    const plateau = await lrs((o) => new ReduceLROnPlateau(o, { factor: 0.5, patience: 0, threshold: 1 }), 'plateau');
    expect(plateau.slice(0, 4)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(plateau[11]).toBeLessThan(0.1);
  });

  it('stops between batches when the signal aborts, and frees every batch tensor', async () => {
    const m = model();
    const data = regressionData();
    const controller = new AbortController();
    const optimizer = new SGD(m.parameters(), { lr: 0.1 });
    const events: ProgressEvent[] = [];
    const before = memory().numTensors;
    const run = fit(m, {
      train: data,
      loss,
      optimizer,
      epochs: 5,
      signal: controller.signal,
      callbacks: [
        progress((e) => void events.push(e)),
        {
          onBatchEnd: (ctx) => {
            if (ctx.step === 6) controller.abort(new Error('stop here'));
          },
        },
      ],
    });
    await expect(run).rejects.toThrow('stop here');
    expect(events.filter((e) => e.type === 'batch')).toHaveLength(6);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(1);
    expect(events.at(-1)).toEqual({ type: 'end', epochs: 1, steps: 6, error: 'Error: stop here' });
    // Only the optimizer's momentum-free SGD: fit leaves no tensor behind (batches are the data's own).
    expect(memory().numTensors).toBeLessThanOrEqual(before + 6 * 2 + 8);
  });

  it('weighs epoch and validation losses by batchSize', async () => {
    const m = model(0, 0);
    const batches = [...regressionData().batches(0)];
    const uneven = [{ x: batches[0]!.x.narrow(0, 0, 2), y: batches[0]!.y.narrow(0, 0, 2) }, batches[1]!];
    const perBatch = await Promise.all(uneven.map(async (b) => (await evaluate(m, { data: [b], loss })).loss));
    const weighted = (await evaluate(m, { data: uneven, loss, batchSize: (b) => b.x.shape[0]! })).loss;
    expect(weighted).toBeCloseTo((perBatch[0]! * 2 + perBatch[1]! * 8) / 10, 6);
    const { history } = await fit(m, {
      train: uneven,
      validation: uneven,
      loss,
      optimizer: new SGD(m.parameters(), { lr: 0 }),
      epochs: 1,
      batchSize: (b) => b.x.shape[0]!,
    });
    expect(history[0]!.loss).toBeCloseTo(weighted, 6);
    expect(history[0]!.valLoss).toBeCloseTo(weighted, 6);
    await expect(evaluate(m, { data: uneven, loss, batchSize: () => 0 })).rejects.toThrow(
      'evaluate: batchSize(batch) must be a positive number; got 0 at batch 0',
    );
  });

  it.skipIf(!(globalThis as { gc?: unknown }).gc)(
    'lets the event loop turn, so batches nobody holds are freed during a long fit',
    async () => {
      const gc = (globalThis as unknown as { gc: () => void }).gc;
      const m = model(0, 0);
      const counts: number[] = [];
      const fresh = function* () {
        for (let i = 0; i < 400; i++) yield { x: tensor([[i % 3, 1, -1]]), y: tensor([[0.5]]) };
      };
      await fit(m, {
        train: fresh,
        loss,
        optimizer: new SGD(m.parameters(), { lr: 0.01 }),
        epochs: 1,
        callbacks: [
          {
            onBatchEnd: (ctx) => {
              // Synchronous: only fit's own turns of the event loop let the finalizers run.
              const busy = performance.now() + 1;
              while (performance.now() < busy);
              if (ctx.step % 50 === 0) gc();
              if (ctx.step === 100 || ctx.step === 400) counts.push(memory().numTensors);
            },
          },
        ],
      });
      // Without the turns every batch (2 tensors) would stay: +600 from step 100 to 400.
      expect(counts[1]! - counts[0]!).toBeLessThan(100);
    },
    60_000,
  );

  it("merges validate()'s metrics into the logs, in eval mode, for the monitors to read", async () => {
    const m = model();
    const modes: boolean[] = [];
    const accuracy = [0.5, 0.7, 0.6, 0.65, 0.9];
    const { history, stopReason } = await fit(m, {
      train: regressionData(),
      loss,
      optimizer: new SGD(m.parameters(), { lr: 0.01 }),
      epochs: 5,
      validate: (mm, epoch) => {
        modes.push(mm.training);
        return { accuracy: accuracy[epoch]! };
      },
      callbacks: [earlyStopping({ monitor: 'accuracy', mode: 'max', patience: 2 })],
    });
    expect(history.map((h) => h.accuracy)).toEqual([0.5, 0.7, 0.6, 0.65]);
    expect(stopReason).toMatch(/'accuracy' did not improve on 0.7/);
    expect(modes).toEqual([false, false, false, false]);
    expect(m.training).toBe(true);
    await expect(
      fit(m, {
        train: regressionData(),
        loss,
        optimizer: new SGD(m.parameters(), { lr: 0.01 }),
        epochs: 1,
        validate: () => ({ acc: '90%' }) as never,
      }),
    ).rejects.toThrow("fit: validate's log 'acc' must be a number; got \"90%\" after epoch 0");
  });

  it('clips the gradient norm before the step', async () => {
    const m = model();
    const optimizer = new SGD(m.parameters(), { lr: 0.1 });
    const norms: number[] = [];
    await fit(m, {
      train: [{ x: tensor([[100, 100, 100]]), y: tensor([[-100]]) }],
      loss,
      optimizer,
      epochs: 1,
      clipGradNorm: 0.5,
      callbacks: [
        {
          onAfterBackward: async (ctx) => {
            let sq = 0;
            for (const [, p] of ctx.model.namedParameters()) for (const v of await p.grad!.data()) sq += v * v;
            norms.push(Math.sqrt(sq));
          },
        },
      ],
    });
    expect(norms[0]).toBeCloseTo(0.5, 4);
  });
});
