import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memory } from '@recur/tensor';
import { CHECKPOINT_FILE, readTaskCheckpoint } from './checkpoint-file.js';
import { CheckpointError } from './errors.js';
import type { TrainEvent } from './events.js';
import { evaluateCheckpoint, trainTask } from './runner.js';
import { lineTask } from './test-task.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'recur-core-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const config = lineTask.defaultConfig;

describe('trainTask', () => {
  it('trains, checkpoints every epoch, ends with a summary and leaks no tensors', async () => {
    const before = memory().numTensors;
    const events: TrainEvent[] = [];
    const outDir = await tempDir();
    const outcome = await trainTask({ task: lineTask, config, outDir, reporter: (e) => events.push(e) });
    expect(outcome.interrupted).toBe(false);
    expect(outcome.history).toHaveLength(4);
    expect(outcome.history[3]!.trainLoss).toBeLessThan(outcome.history[0]!.trainLoss);
    expect(events[0]!.event).toBe('start');
    expect(events.at(-1)!.event).toBe('summary');
    expect(events.filter((e) => e.event === 'checkpoint')).toHaveLength(4);
    expect(outcome.summary!.metrics.mae).toBeLessThan(outcome.summary!.baseline.mae!);
    // A task that names no strong baselines lists its trivial one alone.
    expect(outcome.summary!.baselines).toEqual({ 'always -1': outcome.summary!.baseline });
    expect(outcome.plots.map((p) => p.name)).toEqual(['loss']);
    expect(memory().numTensors).toBe(before);
    const saved = await readTaskCheckpoint(join(outDir, CHECKPOINT_FILE));
    expect(saved.meta).toMatchObject({ task: 'line', progress: { epoch: 4, batch: 0 }, state: { points: 64 } });
    expect((await evaluateCheckpoint([lineTask], saved.path)).metrics.mae).toBeCloseTo(outcome.summary!.metrics.mae!, 6);
  });

  it('an aborted run saves mid-epoch, and resuming ends exactly where an unbroken run does', async () => {
    const unbroken = await trainTask({ task: lineTask, config, outDir: null });
    const outDir = await tempDir();
    const controller = new AbortController();
    const events: TrainEvent[] = [];
    const stopped = await trainTask({
      task: lineTask,
      config,
      outDir,
      signal: controller.signal,
      reporter: (event) => {
        events.push(event);
        if (event.event === 'batch' && event.epoch === 2 && event.batch === 3) controller.abort();
      },
    });
    expect(stopped.interrupted).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'interrupted', epoch: 1, batch: 3 });
    const resume = await readTaskCheckpoint(join(outDir, CHECKPOINT_FILE));
    const resumed = await trainTask({ task: lineTask, config, outDir, resume });
    expect(resumed.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    expect(resumed.summary!.metrics.mae).toBeCloseTo(unbroken.summary!.metrics.mae!, 6);
  });
});

describe('readTaskCheckpoint', () => {
  it('reports a missing, a corrupt and a foreign file as CheckpointErrors naming the path', async () => {
    const dir = await tempDir();
    await expect(readTaskCheckpoint(join(dir, 'none.safetensors'))).rejects.toThrow(
      `${join(dir, 'none.safetensors')}: no such checkpoint file`,
    );
    const corrupt = join(dir, 'corrupt.safetensors');
    await writeFile(corrupt, 'not a checkpoint at all');
    await expect(readTaskCheckpoint(corrupt)).rejects.toThrow(CheckpointError);
    await expect(readTaskCheckpoint(corrupt)).rejects.toThrow(new RegExp(`^${corrupt}: not a usable checkpoint`));
    expect(await readFile(corrupt, 'utf8')).toBe('not a checkpoint at all');
    await expect(readTaskCheckpoint(dir)).rejects.toThrow('is a directory');
  });
});
