// `recur generate [checkpoint]`: load a charlm checkpoint and stream sampled text to stdout as
// it is drawn, one character at a time, after the prompt (--json: one object at the end).

import { resolve } from 'node:path';
import type { CharLmRun, GenerateOptions } from '@recur/sample-charlm';
import { CHECKPOINT_FILE, openCheckpoint } from '@recur/sample-core';
import { selectBackend, type BackendName } from './backend.js';
import { EXIT_OK, UsageError } from './errors.js';
import type { Io } from './io.js';
import { TASKS } from './tasks.js';

export interface GenerateFlags {
  readonly backend: BackendName;
  readonly length: number;
  readonly temperature: number;
  readonly prompt: string;
  readonly seed: number;
  readonly topK: number;
  readonly topP: number;
  readonly json?: boolean;
}

export async function generateCommand(path: string | undefined, flags: GenerateFlags, io: Io): Promise<number> {
  await selectBackend(flags.backend, (message) => io.stderr.write(`warning: ${message}\n`));
  const file = resolve(io.cwd, path ?? `runs/charlm/${CHECKPOINT_FILE}`);
  const { task, run } = await openCheckpoint(TASKS, file);
  try {
    // Duck-typed rather than instanceof, so a dist and a source copy of the sample both pass.
    const generator = run as Partial<Pick<CharLmRun, 'generate'>>;
    if (task.name !== 'charlm' || typeof generator.generate !== 'function') {
      throw new UsageError(`${file}: saved by task '${task.name}'; generate needs a charlm checkpoint`);
    }
    const options: GenerateOptions = {
      prompt: flags.prompt,
      length: flags.length,
      temperature: flags.temperature,
      seed: flags.seed,
      topK: flags.topK,
      topP: flags.topP,
    };
    if (flags.json) {
      const text = await generator.generate(options);
      io.stdout.write(`${JSON.stringify({ event: 'generation', task: task.name, ...options, text })}\n`);
    } else {
      io.stdout.write(flags.prompt);
      await generator.generate(options, (text) => io.stdout.write(text));
      io.stdout.write('\n');
    }
  } finally {
    run.dispose();
  }
  return EXIT_OK;
}
