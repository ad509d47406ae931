// The spam model compressed (G3): a trained classifier quantised to int8 (per-row scales) and stored
// float16 keeps its test metrics (targets: int8 within 1% relative, float16 within 0.1%) while its
// weights file shrinks. CI trains the --quick model; RECUR_MEASURE_COMPRESSION=1 trains the
// default one and prints the figures (one JSON line) for the note.

import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantizeDynamic, serializeModuleWeights } from '@recur/export';
import { openCheckpoint, resolveConfig, trainTask, type Task } from '@recur/sample-core';
import { readSafetensorsHeader } from '@recur/tensor';
import { spamTask } from './spam-task.js';

const MEASURE = process.env.RECUR_MEASURE_COMPRESSION === '1';

describe('spam, compressed', () => {
  it('int8 and float16 weights keep the test metrics; the weights file shrinks', async () => {
    const config = resolveConfig(spamTask, MEASURE ? [] : [{ source: '--quick', values: spamTask.quickConfig }]);
    const dir = await mkdtemp(join(tmpdir(), 'recur-spam-compressed-'));
    try {
      const outcome = await trainTask({ task: spamTask, config, outDir: dir });
      const rows: Record<string, { metrics: Record<string, number>; bytes: number }> = {};
      // Measuring, also which layers move the metrics: int8 on the recurrent layer or the Linear layers alone.
      const variants = [
        ['float32'],
        ['int8'],
        ['float16'],
        ...(MEASURE
          ? [
              ['int8', 'LSTM'],
              ['int8', 'Linear'],
            ]
          : []),
      ] as const;
      for (const [dtype, only] of variants as readonly (readonly [string, string?])[]) {
        const { run } = await openCheckpoint([spamTask as unknown as Task], outcome.checkpoint!);
        try {
          const modules = only ? [only as 'LSTM' | 'Linear'] : undefined;
          if (dtype !== 'float32')
            await quantizeDynamic(run.model, { dtype: dtype as 'int8' | 'float16', ...(modules ? { modules } : {}) });
          const file = await serializeModuleWeights(run.model);
          const header = readSafetensorsHeader(file);
          rows[only ? `${dtype} ${only} only` : dtype] = {
            metrics: (await run.evaluate()).metrics as Record<string, number>,
            bytes: file.length - header.dataStart,
          };
        } finally {
          run.dispose();
        }
      }
      const float = rows.float32!;
      const relative = (dtype: string, key: string) =>
        Math.abs(rows[dtype]!.metrics[key]! - float.metrics[key]!) / Math.abs(float.metrics[key]!);
      if (MEASURE) console.log(JSON.stringify({ task: 'spam', config: 'default', rows }));
      for (const key of ['accuracy', 'f1']) {
        expect(relative('int8', key)).toBeLessThan(0.01);
        expect(relative('float16', key)).toBeLessThan(0.001);
      }
      expect(rows.float16!.bytes).toBeLessThan(0.55 * float.bytes);
      expect(rows.int8!.bytes).toBeLessThan(0.4 * float.bytes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
