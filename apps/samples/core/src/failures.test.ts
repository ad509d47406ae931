import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSafetensorsHeader } from '@recur/tensor';
import { CHECKPOINT_FILE, readTaskCheckpoint } from './checkpoint-file.js';
import { CheckpointError, OutputDirError, TrainingDivergedError } from './errors.js';
import { prepareOutputDir } from './output-dir.js';
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

describe('a diverging run', () => {
  it('stops at the first non-finite loss with a TrainingDivergedError naming epoch, batch and loss; nothing is saved', async () => {
    const outDir = join(await tempDir(), 'run');
    const error = await trainTask({ task: lineTask, config: { ...config, lr: 1e30 }, outDir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toMatch(/^training diverged: loss (NaN|Infinity) at epoch 1, batch \d+\/8 \(lr 1e\+30\)/);
    // The directory the run made is gone again: it never held a checkpoint.
    expect(existsSync(outDir)).toBe(false);
  });

  it("a finite loss thousands of times the first batch's counts as diverged too", async () => {
    const events: string[] = [];
    const error = await trainTask({
      task: lineTask,
      config: { ...config, lr: 1e3 },
      outDir: null,
      reporter: (e) => events.push(e.event),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toMatch(
      /^training diverged: loss \d\.\d{3}e\+\d+, over 10000× the first batch's \d\.\d{3,}, at epoch 1, batch \d+\/8 \(lr 1000\)/,
    );
    expect(events).not.toContain('epoch');
    // An ordinary run, whose loss only falls, is not stopped (see runner.test.ts) and neither is lr 0.3.
    await expect(trainTask({ task: lineTask, config: { ...config, lr: 0.3 }, outDir: null })).resolves.toMatchObject({
      interrupted: false,
    });
  });
});

describe('Ctrl-C is graceful only between batches', () => {
  it('validation and saving run while the context says the run is not interruptible', async () => {
    const phases: string[] = [];
    let interruptible = false;
    const outDir = await tempDir();
    await trainTask({
      task: lineTask,
      config: { ...config, epochs: 2 },
      outDir,
      onInterruptible: (on) => {
        interruptible = on;
        phases.push(on ? 'on' : 'off');
      },
      reporter: (event) => {
        if (event.event === 'batch' || event.event === 'checkpoint' || event.event === 'epoch')
          phases.push(`${event.event}:${interruptible ? 'on' : 'off'}`);
      },
    });
    const collapsed = phases.filter((phase, i) => phase !== phases[i - 1]);
    expect(collapsed).toEqual([
      'on',
      'batch:on',
      'off',
      'epoch:off',
      'checkpoint:off',
      'on',
      'batch:on',
      'off',
      'epoch:off',
      'checkpoint:off',
      'off',
    ]);
  });
});

/** Overwrite the first float32 value of tensor `name` in a safetensors file with `value`. */
async function poison(path: string, name: string, value: number): Promise<void> {
  const bytes = new Uint8Array(await readFile(path));
  const header = readSafetensorsHeader(bytes);
  const entry = header.tensors[name]!;
  expect(entry.dtype).toBe('F32');
  new DataView(bytes.buffer).setFloat32(header.dataStart + entry.dataOffsets[0], value, true);
  await writeFile(path, bytes);
}

describe('checkpoints with non-finite values', () => {
  it('are refused by readTaskCheckpoint, evaluateCheckpoint and resuming, naming the tensor', async () => {
    const outDir = await tempDir();
    await trainTask({ task: lineTask, config: { ...config, epochs: 1 }, outDir });
    const path = join(outDir, CHECKPOINT_FILE);
    await expect(readTaskCheckpoint(path)).resolves.toBeDefined();
    for (const [name, value] of [
      ['weight', NaN],
      ['bias', -Infinity],
    ] as const) {
      await trainTask({ task: lineTask, config: { ...config, epochs: 1 }, outDir });
      await poison(path, name, value);
      await expect(readTaskCheckpoint(path)).rejects.toThrow(CheckpointError);
      await expect(readTaskCheckpoint(path)).rejects.toThrow(`${path}: holds non-finite values (NaN or infinity): '${name}' has 1 of 1`);
      await expect(evaluateCheckpoint([lineTask], path)).rejects.toThrow('non-finite');
    }
  });

  it('an optimizer moment is checked too', async () => {
    const outDir = await tempDir();
    await trainTask({ task: lineTask, config: { ...config, epochs: 1 }, outDir });
    const path = join(outDir, CHECKPOINT_FILE);
    const moment = Object.keys(readSafetensorsHeader(new Uint8Array(await readFile(path))).tensors).find((key) =>
      key.startsWith('optimizer/'),
    );
    expect(moment).toBeDefined();
    await poison(path, moment!, NaN);
    await expect(readTaskCheckpoint(path)).rejects.toThrow(`'${moment}' has 1 of 1`);
  });
});

describe('prepareOutputDir', () => {
  it('creates missing directories, proves them writable and leaves no probe file', async () => {
    const root = await tempDir();
    const target = join(root, 'a', 'b', 'c');
    expect(await prepareOutputDir(target)).toEqual([join(root, 'a'), join(root, 'a', 'b'), target]);
    expect(await readdir(target)).toEqual([]);
    expect(await prepareOutputDir(target)).toEqual([]);
  });

  it('a file in the way, or the path itself a file: OutputDirError naming both', async () => {
    const root = await tempDir();
    const file = join(root, 'file');
    await writeFile(file, 'x');
    await expect(prepareOutputDir(file)).rejects.toThrow(new OutputDirError(`output directory ${file} exists and is not a directory`));
    await expect(prepareOutputDir(join(file, 'a', 'b'))).rejects.toThrow(`cannot be created: ${file} is a file, not a directory`);
    expect(await readdir(root)).toEqual(['file']);
  });

  it.runIf(process.platform === 'linux')('pseudo filesystems are refused at once instead of looping in mkdir', async () => {
    await expect(prepareOutputDir('/proc/recur-out/x')).rejects.toThrow('/proc is on the proc pseudo filesystem');
    await expect(prepareOutputDir('/sys/recur-out')).rejects.toThrow('on the sysfs pseudo filesystem');
  });

  it.runIf(process.platform !== 'win32' && process.getuid?.() !== 0)(
    'a directory without write permission is refused and nothing is left',
    async () => {
      const root = await tempDir();
      const { chmod } = await import('node:fs/promises');
      await chmod(root, 0o500);
      try {
        await expect(prepareOutputDir(join(root, 'run'))).rejects.toThrow(`cannot create ${join(root, 'run')} (EACCES)`);
      } finally {
        await chmod(root, 0o700);
      }
    },
  );

  it('trainTask checks the output directory before it loads any data', async () => {
    const root = await tempDir();
    const file = join(root, 'file');
    await writeFile(file, 'x');
    let created = false;
    const task = { ...lineTask, create: (...args: Parameters<typeof lineTask.create>) => ((created = true), lineTask.create(...args)) };
    await expect(trainTask({ task, config, outDir: join(file, 'run') })).rejects.toThrow(OutputDirError);
    expect(created).toBe(false);
  });
});
