// `recur export <checkpoint> --format onnx --out FILE [--json]`: the checkpoint's model as an ONNX
// file (written atomically). With --json the last line is the summary: the task's own example
// input (real data) and Recur's output for it, so any ONNX runtime can check the file.

import { resolve } from 'node:path';
import { openCheckpoint } from '@recur/sample-core';
import { writeFileAtomic } from '@recur/tensor/node';
import type { Tensor } from '@recur/tensor';
import { selectBackend, type BackendName } from './backend.js';
import { EXIT_OK, UsageError } from './errors.js';
import type { Io } from './io.js';
import { TASKS } from './tasks.js';

export interface ExportFlags {
  readonly backend: BackendName;
  readonly format: string;
  readonly out: string;
  readonly json?: boolean;
}

async function described(
  tensors: Readonly<Record<string, Tensor>>,
): Promise<Record<string, { shape: number[]; dtype: string; data: number[] }>> {
  const out: Record<string, { shape: number[]; dtype: string; data: number[] }> = {};
  for (const [name, t] of Object.entries(tensors)) out[name] = { shape: [...t.shape], dtype: t.dtype, data: Array.from(await t.data()) };
  return out;
}

export async function exportCommand(path: string, flags: ExportFlags, io: Io): Promise<number> {
  if (flags.format !== 'onnx') throw new UsageError(`--format: expected onnx; got '${flags.format}'`);
  await selectBackend(flags.backend, (message) => io.stderr.write(`warning: ${message}\n`));
  const { task, run } = await openCheckpoint(TASKS, resolve(io.cwd, path));
  try {
    if (!run.exportOnnx)
      throw new UsageError(
        `${path}: task '${task.name}' has no ONNX export yet (tasks that have: births, spam, charlm, segment, g2p, stream)`,
      );
    const example = await run.exportOnnx();
    try {
      const file = resolve(io.cwd, flags.out);
      await writeFileAtomic(file, example.onnx);
      if (flags.json) {
        const summary = {
          event: 'summary',
          task: task.name,
          onnx: flags.out,
          inputs: await described(example.inputs),
          outputs: await described(example.outputs),
        };
        io.stdout.write(`${JSON.stringify(summary)}\n`);
      } else {
        const shapes = (tensors: Readonly<Record<string, Tensor>>) =>
          Object.entries(tensors)
            .map(([name, t]) => `${name} [${t.shape.join(', ')}] ${t.dtype}`)
            .join(', ');
        io.stdout.write(
          `wrote ${flags.out} (${example.onnx.length} bytes, ONNX opset 17): inputs ${shapes(example.inputs)}; outputs ${shapes(example.outputs)}\n`,
        );
      }
    } finally {
      for (const t of [...Object.values(example.inputs), ...Object.values(example.outputs)]) t.dispose();
    }
  } finally {
    run.dispose();
  }
  return EXIT_OK;
}
