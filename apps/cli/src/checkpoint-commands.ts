// `recur eval <checkpoint>` (test-split metrics against the baseline) and `recur predict
// <checkpoint> [input | -]`. The checkpoint (or the task model file `recur quantize` writes)
// names its task and config, so nothing else is needed.

import { resolve } from 'node:path';
import type { Prediction, SummaryEvent } from '@recur/sample-core';
import { selectBackend, type BackendName } from './backend.js';
import { EXIT_OK } from './errors.js';
import type { Io } from './io.js';
import { summaryTable } from './summary-table.js';
import { openModel, type OpenedModel } from './task-model-file.js';
import { TASKS } from './tasks.js';

export interface CheckpointFlags {
  readonly backend: BackendName;
  readonly json?: boolean;
}

function warner(io: Io, json: boolean): (message: string) => void {
  return (message) => {
    if (json) io.stdout.write(`${JSON.stringify({ event: 'note', level: 'warning', message })}\n`);
    else io.stderr.write(`warning: ${message}\n`);
  };
}

/** The summary `recur eval` prints: the test metrics and baselines, and how the weights are stored. */
export type EvalSummary = SummaryEvent & { readonly model: OpenedModel['model'] };

export async function evalCommand(path: string, flags: CheckpointFlags, io: Io): Promise<number> {
  await selectBackend(flags.backend, warner(io, flags.json ?? false));
  const started = performance.now();
  const file = resolve(io.cwd, path);
  const { task, run, epochs, model } = await openModel(TASKS, file);
  let summary: EvalSummary;
  try {
    const evaluation = await run.evaluate();
    summary = {
      event: 'summary',
      task: task.name,
      split: 'test',
      metrics: evaluation.metrics,
      baseline: evaluation.baseline,
      baselineName: evaluation.baselineName,
      baselines: evaluation.baselines ?? { [evaluation.baselineName]: evaluation.baseline },
      higherIsBetter: evaluation.higherIsBetter,
      epochs,
      seconds: (performance.now() - started) / 1000,
      checkpoint: file,
      model,
    };
  } finally {
    run.dispose();
  }
  io.stdout.write(
    flags.json ? `${JSON.stringify(summary)}\n` : `${summaryTable(summary)}model: ${model.dtype} weights, ${model.bytes} bytes on disk\n`,
  );
  return EXIT_OK;
}

/**
 * The lines `recur predict` prints: the coloured version on a terminal unless NO_COLOR is set
 * (no-color.org) or TERM is dumb, the plain one otherwise.
 */
export function predictionText(prediction: Prediction, isTTY: boolean, env: Readonly<Record<string, string | undefined>>): string {
  const colour = isTTY && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
  return colour && prediction.terminalText !== undefined ? prediction.terminalText : prediction.text;
}

export async function predictCommand(path: string, input: string | undefined, flags: CheckpointFlags, io: Io): Promise<number> {
  await selectBackend(flags.backend, warner(io, flags.json ?? false));
  const { task, run } = await openModel(TASKS, resolve(io.cwd, path));
  try {
    const text = input === '-' ? await io.readStdin() : (input ?? null);
    const prediction = await run.predict(text);
    io.stdout.write(
      flags.json
        ? `${JSON.stringify({ event: 'prediction', task: task.name, prediction: prediction.value })}\n`
        : `${predictionText(prediction, io.stdout.isTTY ?? false, process.env)}\n`,
    );
  } finally {
    run.dispose();
  }
  return EXIT_OK;
}
