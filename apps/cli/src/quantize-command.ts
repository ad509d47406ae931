// `recur quantize <checkpoint> --dtype int8|float16|float32 [--prune 0.5] --out FILE [--json]`:
// the checkpoint's model, pruned (magnitude pruning of its weight matrices: each by the same
// fraction, or with --prune-scope global one threshold over all of them) and/or
// quantized (quantizeDynamic), written atomically as a task model file `recur eval|predict` run.

import { resolve } from 'node:path';
import { globalUnstructured, l1Unstructured, quantizeDynamic, weightMatrices } from '@recur/export';
import { openCheckpoint } from '@recur/sample-core';
import { writeFileAtomic } from '@recur/tensor/node';
import { selectBackend, type BackendName } from './backend.js';
import { EXIT_OK, UsageError } from './errors.js';
import type { Io } from './io.js';
import { serializeTaskModel, type ModelDType } from './task-model-file.js';
import { TASKS } from './tasks.js';

export interface QuantizeFlags {
  readonly backend: BackendName;
  readonly dtype: string;
  readonly prune?: number;
  readonly pruneScope?: string;
  readonly out: string;
  readonly json?: boolean;
}

const DTYPES: readonly ModelDType[] = ['int8', 'float16', 'float32'];

export async function quantizeCommand(path: string, flags: QuantizeFlags, io: Io): Promise<number> {
  if (!DTYPES.includes(flags.dtype as ModelDType)) throw new UsageError(`--dtype: expected int8, float16 or float32; got '${flags.dtype}'`);
  const dtype = flags.dtype as ModelDType;
  const scope = flags.pruneScope ?? 'layer';
  if (scope !== 'layer' && scope !== 'global') throw new UsageError(`--prune-scope: expected layer or global; got '${scope}'`);
  await selectBackend(flags.backend, (message) => io.stderr.write(`warning: ${message}\n`));
  const { task, checkpoint, run } = await openCheckpoint(TASKS, resolve(io.cwd, path));
  try {
    // Quantised layers are inference-only; a task that learns online (its evaluation too) needs float weights.
    if (dtype !== 'float32' && run.openStream)
      throw new UsageError(
        `${path}: task '${task.name}' learns online (recur stream --learn and its evaluation), which needs float32 weights; use --dtype float32 (with --prune)`,
      );
    let pruned: { fraction: number; scope: string; zeros: number; size: number } | null = null;
    if (flags.prune !== undefined && flags.prune > 0) {
      const amount = { amount: flags.prune };
      const targets = weightMatrices(run.model);
      // Per layer by default: one global threshold strips whole layers whose weights are small
      // beside the others' (spam's LSTM beside its N(0, 1) embedding: 25% global zeroed the LSTM).
      const reports =
        scope === 'global' ? [globalUnstructured(targets, amount)] : targets.map(([m, name]) => l1Unstructured(m, name, amount));
      const zeros = reports.reduce((n, r) => n + r.total.zeros, 0);
      const size = reports.reduce((n, r) => n + r.total.size, 0);
      pruned = { fraction: flags.prune, scope, zeros, size };
    }
    if (dtype !== 'float32') await quantizeDynamic(run.model, { dtype });
    const bytes = await serializeTaskModel(run, checkpoint, dtype);
    await writeFileAtomic(resolve(io.cwd, flags.out), bytes);
    if (flags.json) {
      const summary = { event: 'summary', task: task.name, out: flags.out, dtype, bytes: bytes.length, pruned };
      io.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      const prunedText = pruned ? `, ${pruned.zeros} of ${pruned.size} weight-matrix entries now zero` : '';
      io.stdout.write(`wrote ${flags.out} (${bytes.length} bytes, ${dtype} weights${prunedText})\n`);
    }
  } finally {
    run.dispose();
  }
  return EXIT_OK;
}
