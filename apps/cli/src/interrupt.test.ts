import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, sourceCliArgs, tempDir } from './test-support.js';

afterAll(removeTempDirs);

describe('Ctrl-C', () => {
  it('SIGINT during training saves a checkpoint, exits 130, and --resume finishes the run', async () => {
    const out = join(await tempDir(), 'run');
    const child = spawn(process.execPath, [...sourceCliArgs(), 'train', 'births', '--quick', '--json', '--no-plots', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Interrupt in the middle of the second epoch, after one checkpoint exists.
      if (!sent && /"event":"batch","epoch":2,"batch":3,/.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toContain('stopping after this batch');
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const checkpoint = join(out, 'checkpoint.safetensors');
    // The signal lands at the next batch boundary: in epoch 2 unless the machine is very busy.
    const interrupted = events.at(-1) as { event: string; epoch: number; batch: number; checkpoint: string };
    expect(interrupted).toMatchObject({ event: 'interrupted', checkpoint });
    expect(interrupted.epoch).toBeGreaterThanOrEqual(1);
    expect(interrupted.epoch).toBeLessThan(3);
    expect(events.at(-2)).toMatchObject({
      event: 'checkpoint',
      reason: 'interrupt',
      path: checkpoint,
      epoch: interrupted.epoch,
      batch: interrupted.batch,
    });
    expect(existsSync(checkpoint)).toBe(true);

    const resumed = await runCli(['train', 'births', '--resume', '--json', '--no-plots', '--out', out]);
    expect(resumed.code).toBe(0);
    expect(resumed.events[0]).toMatchObject({ event: 'start', startEpoch: interrupted.epoch });
    expect(resumed.events[1]).toMatchObject({ event: 'epoch-start', epoch: interrupted.epoch + 1, batch: interrupted.batch });
    const finished = resumed.events.filter((e) => e.event === 'epoch').map((e) => e.epoch);
    expect(finished).toEqual([2, 3].slice(interrupted.epoch - 1));
    expect(resumed.events.at(-1)).toMatchObject({ event: 'summary', epochs: 3 });
  });
});
