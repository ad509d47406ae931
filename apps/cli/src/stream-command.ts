// `recur stream <checkpoint> [file]`: a series read one number a line (a file, or standard input)
// and fed to the checkpoint's model value by value; each value's forecast of the next is printed
// as soon as the value is read. `--learn` updates the model online (truncated BPTT) as it goes.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { InputError, openCheckpoint, type StreamStep } from '@recur/sample-core';
import { selectBackend, type BackendName } from './backend.js';
import { EXIT_OK, UsageError } from './errors.js';
import type { Io } from './io.js';
import { TASKS } from './tasks.js';

export interface StreamFlags {
  readonly backend: BackendName;
  readonly json?: boolean;
  readonly learn?: boolean;
}

/** A decimal number, as a person or a program writes one (no hex, no Infinity, no NaN). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The value on a line, or an InputError naming the line by number and content. */
export function parseValueLine(line: string, lineNumber: number): number | null {
  const text = line.trim();
  if (text === '') return null;
  const value = Number(text);
  if (!NUMBER.test(text) || !Number.isFinite(value)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new InputError(`line ${lineNumber}: expected a number, got ${JSON.stringify(shown)}`);
  }
  return value;
}

async function* linesOf(path: string | undefined, io: Io): AsyncIterable<string> {
  if (path !== undefined && path !== '-') {
    yield* createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  } else if (io.stdinLines) {
    yield* io.stdinLines();
  } else {
    const text = await io.readStdin();
    yield* text.split(/\r?\n/);
  }
}

/** Running mean absolute errors of the model's and the baseline's forecasts. */
class Scores {
  forecasts = 0;
  #model = 0;
  #baseline = 0;

  add(step: StreamStep): void {
    if (step.expected === null || step.expectedBaseline === null) return;
    this.forecasts++;
    this.#model += Math.abs(step.value - step.expected);
    this.#baseline += Math.abs(step.value - step.expectedBaseline);
  }

  get mae(): number | null {
    return this.forecasts > 0 ? this.#model / this.forecasts : null;
  }

  get baselineMae(): number | null {
    return this.forecasts > 0 ? this.#baseline / this.forecasts : null;
  }
}

const shown = (value: number | null, digits = 0) => (value === null ? '—' : value.toFixed(digits));

export async function streamCommand(checkpointPath: string, file: string | undefined, flags: StreamFlags, io: Io): Promise<number> {
  const input = file === undefined || file === '-' ? undefined : resolve(io.cwd, file);
  // A missing input file fails before the model loads.
  if (input !== undefined) {
    const info = await stat(input).catch(() => null);
    if (!info) throw new InputError(`${input}: no such file`);
    if (!info.isFile()) throw new InputError(`${input}: not a file`);
  }
  await selectBackend(flags.backend, (message) => {
    if (flags.json) io.stdout.write(`${JSON.stringify({ event: 'note', level: 'warning', message })}\n`);
    else io.stderr.write(`warning: ${message}\n`);
  });
  const path = resolve(io.cwd, checkpointPath);
  const { task, run } = await openCheckpoint(TASKS, path);
  try {
    if (!run.openStream) {
      throw new UsageError(`${path}: task '${task.name}' does not stream values (train a model that does with: recur train stream)`);
    }
    const learn = flags.learn ?? false;
    const stream = run.openStream({ learn });
    const scores = new Scores();
    let lineNumber = 0;
    let values = 0;
    let updates = 0;
    try {
      if (!flags.json)
        io.stdout.write(
          `${'line'.padStart(6)}  ${'value'.padStart(10)}  ${'forecast next'.padStart(13)}  ${'baseline next'.padStart(13)}  ${'MAE'.padStart(8)}  ${'baseline MAE'.padStart(12)}\n`,
        );
      for await (const line of linesOf(input, io)) {
        lineNumber++;
        const value = parseValueLine(line, lineNumber);
        if (value === null) continue;
        const step = await stream.push(value);
        values++;
        updates = step.updates;
        scores.add(step);
        if (flags.json) {
          const error = step.expected === null ? null : Math.abs(step.value - step.expected);
          io.stdout.write(
            `${JSON.stringify({ event: 'forecast', line: lineNumber, ...step, error, mae: scores.mae, baselineMae: scores.baselineMae })}\n`,
          );
        } else {
          io.stdout.write(
            `${String(lineNumber).padStart(6)}  ${String(value).padStart(10)}  ${shown(step.forecast).padStart(13)}  ${shown(step.baseline).padStart(13)}  ${shown(scores.mae, 1).padStart(8)}  ${shown(scores.baselineMae, 1).padStart(12)}\n`,
          );
        }
      }
    } finally {
      stream.dispose();
    }
    const summary = {
      event: 'summary',
      task: task.name,
      learn,
      values,
      forecasts: scores.forecasts,
      mae: scores.mae,
      baselineMae: scores.baselineMae,
      baselineName: stream.baselineName,
      updates,
    };
    if (flags.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const learned = learn ? `, ${updates} online update${updates === 1 ? '' : 's'}` : '';
      io.stdout.write(
        `${values} values, ${scores.forecasts} scored forecasts: MAE ${shown(scores.mae, 1)}, ${stream.baselineName} ${shown(scores.baselineMae, 1)}${learned}\n`,
      );
    }
  } finally {
    run.dispose();
  }
  return EXIT_OK;
}
