// `recur tasks`, and `recur bench`, which hands its arguments to apps/bench when it is present.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { EXIT_OK, UsageError } from './errors.js';
import { formatTable } from './format.js';
import type { Io } from './io.js';
import { PLANNED_TASKS, TASKS } from './tasks.js';

export function tasksCommand(flags: { json?: boolean }, io: Io): number {
  if (flags.json) {
    for (const task of TASKS) {
      io.stdout.write(
        `${JSON.stringify({ event: 'task', name: task.name, description: task.description, metric: task.metric, defaultConfig: task.defaultConfig, quickConfig: task.quickConfig })}\n`,
      );
    }
    return EXIT_OK;
  }
  const rows = TASKS.map((task) => [task.name, task.description]);
  const planned = Object.entries(PLANNED_TASKS).map(([name, what]) => [name, `(planned) ${what}`]);
  io.stdout.write(`${formatTable(['task', 'description'], [...rows, ...planned])}\n`);
  return EXIT_OK;
}

/** apps/bench beside apps/cli (both from src/ and dist/, the folder depth is the same). */
function benchDirectory(): string {
  return fileURLToPath(new URL('../../bench/', import.meta.url));
}

export async function benchCommand(args: readonly string[], io: Io): Promise<number> {
  const dir = benchDirectory();
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) throw new UsageError(`recur bench runs apps/bench, which is not present (looked in ${dir})`);
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> }).bin ?? {};
  const entry = Object.values(bin)[0];
  const script = entry ? join(dir, entry) : null;
  if (!script || !existsSync(script))
    throw new UsageError(`apps/bench is not built (${script ?? 'no bin in its package.json'}); run: pnpm build`);
  io.setInterruptible?.(true);
  try {
    return await new Promise<number>((done, fail) => {
      const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
      child.on('error', fail);
      child.on('exit', (code, signal) => done(code ?? (signal ? 130 : 1)));
    });
  } finally {
    io.setInterruptible?.(false);
  }
}
