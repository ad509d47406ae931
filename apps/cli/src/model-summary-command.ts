// `recur summary <task>`: the task's model as @recur/train's summary() table (torchinfo /
// Keras style) — every layer with its output shape on one batch of the task's own data and its
// parameter count, trainable and not — as text, or one JSON object with --json.

import { resolve } from 'node:path';
import { manualSeed, Tensor } from '@recur/tensor';
import { resolveConfig, type ConfigLayer } from '@recur/sample-core';
import { summary } from '@recur/train';
import { selectBackend } from './backend.js';
import type { BackendName } from './backend.js';
import { EXIT_OK } from './errors.js';
import type { Io } from './io.js';
import { readConfigLayer } from './options.js';
import { findTask } from './tasks.js';

export interface ModelSummaryFlags {
  readonly backend: BackendName;
  readonly config?: string;
  readonly quick?: boolean;
  readonly json?: boolean;
}

/** Every tensor in forward's arguments (a state is an array of tensors). */
function tensorsIn(value: unknown): Tensor[] {
  if (value instanceof Tensor) return [value];
  return Array.isArray(value) ? value.flatMap(tensorsIn) : [];
}

export async function modelSummaryCommand(taskName: string, flags: ModelSummaryFlags, io: Io): Promise<number> {
  const task = findTask(taskName);
  const layers: ConfigLayer[] = flags.quick ? [{ source: '--quick', values: task.quickConfig }] : [];
  if (flags.config) layers.push(await readConfigLayer(resolve(io.cwd, flags.config)));
  const config = resolveConfig(task, layers);
  await selectBackend(flags.backend, (message) => io.stderr.write(`warning: ${message}\n`));
  manualSeed(config.seed);
  const run = await task.create(config);
  try {
    run.model.eval();
    const input = run.summaryInput();
    try {
      const table = summary(run.model, input);
      if (flags.json) {
        const { rows, totalParams, trainableParams, nonTrainableParams } = table;
        io.stdout.write(`${JSON.stringify({ task: task.name, rows, totalParams, trainableParams, nonTrainableParams })}\n`);
      } else {
        io.stdout.write(`${task.name}: ${task.description}\n${table.toString()}\n`);
      }
    } finally {
      for (const t of tensorsIn(input)) t.dispose();
    }
  } finally {
    run.dispose();
  }
  return EXIT_OK;
}
