// `recur train <task>`: resolve the config (defaults ← --quick ← --config ← flags, or the
// checkpoint's config when resuming), train with progress output, then write summary.json and
// SVG plots to the output directory and print the test table. Everything that can be wrong with
// the call is checked before the first byte is written.

import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  CHECKPOINT_FILE,
  CheckpointError,
  makeDirectories,
  readTaskCheckpoint,
  resolveConfig,
  trainTask,
  type ConfigLayer,
  type Reporter,
} from '@recur/sample-core';
import { selectBackend } from './backend.js';
import { EXIT_INTERRUPTED, EXIT_OK } from './errors.js';
import type { Io } from './io.js';
import { flagLayer, readConfigLayer, type TrainFlags } from './options.js';
import { renderSvg } from './plots.js';
import { jsonReporter, plainReporter, progressReporter } from './reporters.js';
import { summaryTable } from './summary-table.js';
import { findTask } from './tasks.js';

export function chooseReporter(io: Io, json: boolean, metricName: string): Reporter {
  if (json) return jsonReporter(io.stdout);
  return io.stderr.isTTY ? progressReporter(io.stderr, metricName) : plainReporter(io.stderr);
}

export async function trainCommand(taskName: string, flags: TrainFlags, io: Io): Promise<number> {
  const task = findTask(taskName);
  const outDir = resolve(io.cwd, flags.out ?? join('runs', task.name));
  const resumePath =
    flags.resume === undefined || flags.resume === false
      ? null
      : resolve(io.cwd, flags.resume === true ? join(outDir, CHECKPOINT_FILE) : flags.resume);
  const fileLayer = flags.config ? await readConfigLayer(resolve(io.cwd, flags.config)) : null;
  const reporter = chooseReporter(io, flags.json ?? false, task.metric.name);
  const backend = await selectBackend(flags.backend, (message) => reporter({ event: 'note', level: 'warning', message }));
  const resume = resumePath ? await readTaskCheckpoint(resumePath) : null;
  if (resume && resume.meta.task !== task.name)
    throw new CheckpointError(`${resume.path}: saved by task '${resume.meta.task}', not '${task.name}'`);
  // Resuming keeps the checkpoint's config (it fixes the model's shape); flags may still change the schedule.
  const base: ConfigLayer[] = resume
    ? [{ source: `${resumePath} (saved config)`, values: resume.meta.config }]
    : flags.quick
      ? [{ source: '--quick', values: task.quickConfig }]
      : [];
  const config = resolveConfig(task, [...base, ...(fileLayer ? [fileLayer] : []), flagLayer(flags)]);

  // The summary waits until the plots are written, so that it is the last line of the stream.
  const report: Reporter = (event) => {
    if (event.event !== 'summary') reporter(event);
  };
  // trainTask checks and creates outDir before it loads data. Ctrl-C stops gracefully (at the
  // next batch, with a checkpoint) only while batches run; anywhere else it ends the process.
  let outcome;
  try {
    outcome = await trainTask({
      task,
      config,
      outDir,
      resume,
      reporter: report,
      signal: io.signal,
      backend,
      onInterruptible: (on) => io.setInterruptible?.(on),
      ...(flags.earlyStopping !== undefined ? { earlyStopping: flags.earlyStopping } : {}),
    });
  } finally {
    io.setInterruptible?.(false);
  }
  if (outcome.interrupted) return EXIT_INTERRUPTED;

  await makeDirectories(outDir);
  await writeFile(join(outDir, 'summary.json'), `${JSON.stringify({ ...outcome.summary, config, history: outcome.history }, null, 2)}\n`);
  if (flags.plots) {
    for (const plot of outcome.plots) {
      const path = join(outDir, `${plot.name}.svg`);
      await writeFile(path, await renderSvg(plot));
      const shown = relative(io.cwd, path);
      reporter({ event: 'note', level: 'info', message: `plot: ${shown.startsWith('..') ? path : shown}`, path });
    }
  }
  if (flags.json) reporter(outcome.summary!);
  else io.stdout.write(summaryTable(outcome.summary!));
  return EXIT_OK;
}
