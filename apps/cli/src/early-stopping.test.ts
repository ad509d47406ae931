// `recur train --early-stopping N` end to end (the run stops where N epochs without a better
// validation metric end, and its checkpoint holds the best epoch's weights) and `recur summary`
// (the layer table of the task's model, as text and as JSON).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from './test-support.js';

afterAll(removeTempDirs);

/** The epoch (1-based) after which patience runs out on `values` (lower is better), or null. */
function expectedStop(values: readonly number[], patience: number): number | null {
  let best = Infinity;
  let wait = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < best) [best, wait] = [values[i]!, 0];
    else if (++wait >= patience) return i + 1;
  }
  return null;
}

describe('recur train --early-stopping', () => {
  it('births --quick: stops once the validation MAE has not improved for 1 epoch and keeps the best epoch', async () => {
    const out = join(await tempDir(), 'run');
    const ran = await runCli([
      'train',
      'births',
      '--quick',
      '--epochs',
      '6',
      '--early-stopping',
      '1',
      '--json',
      '--no-plots',
      '--out',
      out,
    ]);
    expect(ran.code).toBe(0);
    const maes = ran.events.filter((e) => e.event === 'epoch').map((e) => (e.metrics as { mae: number }).mae);
    const stop = expectedStop(maes, 1);
    // This seeded run does stop early (epoch 3 is its best); the run ends exactly where patience ran out.
    expect(stop).not.toBeNull();
    expect(stop!).toBeLessThan(6);
    expect(maes).toHaveLength(stop!);
    const best = Math.min(...maes);
    const bestEpoch = maes.indexOf(best) + 1;
    const notes = ran.events.filter((e) => e.event === 'note').map((e) => e.message as string);
    expect(notes).toContain(`early stopping: validation mae did not improve for 1 epoch; stopped after epoch ${stop} of 6`);
    expect(notes.find((n) => n.startsWith('early stopping: kept'))).toMatch(
      new RegExp(
        `^early stopping: kept epoch ${bestEpoch}'s weights \\(validation mae ${String(Number(best.toPrecision(6)))}\\), saved to `,
      ),
    );
    const summary = ran.events.at(-1) as { event: string; epochs: number; metrics: { mae: number } };
    expect(summary).toMatchObject({ event: 'summary', epochs: stop });
    const saved = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { history: unknown[] };
    expect(saved.history).toHaveLength(stop!);
    // The checkpoint written last holds the restored best weights: evaluating it gives the summary's numbers.
    const evaluated = await runCli(['eval', join(out, 'checkpoint.safetensors'), '--json']);
    expect((evaluated.events[0] as { metrics: { mae: number } }).metrics.mae).toBeCloseTo(summary.metrics.mae, 6);

    // recur summary of the same model: the parameter total is the one training reported.
    const table = await runCli(['summary', 'births', '--quick', '--json']);
    expect(table.code).toBe(0);
    const model = table.events[0] as { rows: { name: string; outputShape: string; params: number }[]; totalParams: number };
    expect(model.totalParams).toBe(ran.events[0]!.parameters);
    expect(model.totalParams).toBe(model.rows.reduce((n, r) => n + r.params, 0));
  });

  it('refuses a patience that is not a positive integer', async () => {
    const ran = await runCli(['train', 'births', '--quick', '--early-stopping', '0']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("option '--early-stopping <n>' argument '0' is invalid. expected a positive integer.");
  });
});

describe('recur summary', () => {
  it("tabulates the model's layers on one batch of the task's data (charlm --quick), as text and JSON", async () => {
    const text = await runCli(['summary', 'charlm', '--quick']);
    expect(text.code).toBe(0);
    const json = await runCli(['summary', 'charlm', '--quick', '--json']);
    const model = json.events[0] as {
      task: string;
      rows: { name: string; type: string; outputShape: string; params: number; trainableParams: number }[];
      totalParams: number;
      trainableParams: number;
      nonTrainableParams: number;
    };
    expect(model.task).toBe('charlm');
    expect(model.rows.map((r) => [r.name, r.type])).toEqual([
      ['', 'CharLmModel'],
      ['embedding', 'Embedding'],
      ['lstm', 'LSTM'],
      ['fc', 'Linear'],
    ]);
    // The output shapes follow the batch (rows × characters) and the hidden state of the --quick config.
    const [rows, steps] = /^\[(\d+), (\d+), \d+\]/.exec(model.rows[1]!.outputShape)!.slice(1).map(Number);
    expect(model.rows[2]!.outputShape).toMatch(
      new RegExp(`^\\[${rows}, ${steps}, (\\d+)\\], \\(\\[1, ${rows}, \\1\\], \\[1, ${rows}, \\1\\]\\)$`),
    );
    expect(model.trainableParams).toBe(model.totalParams);
    expect(model.nonTrainableParams).toBe(0);
    expect(text.stdout).toContain(`Total params: ${model.totalParams.toLocaleString('en-US')}`);
    expect(text.stdout).toMatch(/lstm \(LSTM\)\s+\[\d+, \d+, \d+\]/);

    const unknown = await runCli(['summary', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown task 'nope'");
  });
});
