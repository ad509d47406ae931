// A tiny task for tests of the runner and the task callbacks: a Linear model learning y = 2x − 1
// from 64 points with @recur/train's fit. Not exported from the package; tests import it by path.

import { Linear, mseLoss } from '@recur/cells';
import { Adam, StepLR } from '@recur/optim';
import { fromTypedArray, noGrad, scope } from '@recur/tensor';
import { fit } from '@recur/train';
import { taskBatches } from './task-batches.js';
import type { Task, TaskConfig, TaskRun } from './task.js';

type LineConfig = TaskConfig & { readonly points: number };

const xs = (n: number) => Float32Array.from({ length: n }, (_, i) => i / n - 0.5);

export const lineTask: Task<LineConfig> = {
  name: 'line',
  description: 'fit y = 2x - 1',
  defaultConfig: { epochs: 4, batchSize: 8, lr: 0.05, seed: 0, points: 64 },
  quickConfig: { epochs: 2 },
  metric: { name: 'mae', higherIsBetter: false },
  predictHelp: 'a number x',
  checkConfig: (config) => (config.points < 8 ? '"points" must be at least 8' : null),
  async create(config): Promise<TaskRun> {
    const model = new Linear({ inFeatures: 1, outFeatures: 1 });
    const x = xs(config.points);
    const mae = async () => {
      const input = fromTypedArray(x, [x.length, 1]);
      const output = noGrad(() => scope(() => model.forward(input)));
      const values = await output.data();
      input.dispose();
      output.dispose();
      let sum = 0;
      values.forEach((v, i) => (sum += Math.abs(v - (2 * x[i]! - 1))));
      return sum / values.length;
    };
    return {
      model,
      trainSize: x.length,
      state: () => ({ points: config.points }),
      async train(context) {
        const optimizer = new Adam(model.parameters(), { lr: config.lr });
        const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
        const order = Array.from({ length: x.length }, (_, i) => i);
        const data = taskBatches({
          plan: (epoch) => {
            // A different (deterministic) order each epoch, as a seeded DataLoader gives.
            const rotated = [...order.slice(epoch % x.length), ...order.slice(0, epoch % x.length)];
            return Array.from({ length: Math.ceil(rotated.length / config.batchSize) }, (_, b) =>
              rotated.slice(b * config.batchSize, (b + 1) * config.batchSize),
            );
          },
          make: (indices) => ({
            input: fromTypedArray(
              Float32Array.from(indices, (i) => x[i]!),
              [indices.length, 1],
            ),
            target: fromTypedArray(
              Float32Array.from(indices, (i) => 2 * x[i]! - 1),
              [indices.length, 1],
            ),
          }),
          dispose: (batch) => [batch.input, batch.target].forEach((t) => t.dispose()),
        });
        try {
          return await fit(model, {
            train: data,
            batchSize: data.size,
            loss: (m, batch) => mseLoss(m.forward(batch.input), batch.target),
            optimizer,
            scheduler,
            epochs: config.epochs,
            clipGradNorm: 1,
            signal: context.signal,
            validate: async () => {
              const value = await mae();
              return { valLoss: value, mae: value };
            },
            callbacks: context.callbacks({ batches: data.count }),
          });
        } finally {
          optimizer.dispose();
        }
      },
      summaryInput: () => [fromTypedArray(x.slice(0, 4), [4, 1])],
      async evaluate() {
        return { metrics: { mae: await mae() }, baseline: { mae: 1 }, baselineName: 'always -1', higherIsBetter: { mae: false } };
      },
      async predict(input) {
        const value = Number(input);
        return { value: 2 * value - 1, text: String(2 * value - 1) };
      },
      dispose: () => model.dispose(),
    };
  },
};
