import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from './test-support.js';

afterAll(removeTempDirs);

interface Described {
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly data: number[];
}

/** The file runs in onnxruntime-node on the summary's inputs and gives its outputs (1e-5). */
async function expectRunsAsSummarised(file: string, summary: Record<string, unknown>): Promise<void> {
  const inputs = summary.inputs as Record<string, Described>;
  const outputs = summary.outputs as Record<string, Described>;
  const session = await ort.InferenceSession.create(new Uint8Array(await readFile(file)));
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(inputs))
    feeds[name] = new ort.Tensor(t.dtype, t.dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), t.shape);
  const result = await session.run(feeds);
  await session.release();
  for (const [name, expected] of Object.entries(outputs)) {
    expect(result[name]!.dims).toEqual(expected.shape);
    Array.from(result[name]!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - expected.data[i]!)).toBeLessThanOrEqual(1e-5));
  }
}

describe('recur export --format onnx', () => {
  for (const task of ['births', 'spam', 'charlm', 'segment', 'g2p', 'stream']) {
    it(`${task}: writes an ONNX file that gives, on the task's own example, Recur's output`, async () => {
      const dir = await tempDir();
      const out = join(dir, 'run');
      expect((await runCli(['train', task, '--quick', '--epochs', '1', '--no-plots', '--out', out])).code).toBe(0);
      const ran = await runCli([
        'export',
        join(out, 'checkpoint.safetensors'),
        '--format',
        'onnx',
        '--out',
        join(dir, 'model.onnx'),
        '--json',
      ]);
      expect(ran.stderr).toBe('');
      expect(ran.code).toBe(0);
      const summary = ran.events.at(-1)!;
      expect(summary).toMatchObject({ event: 'summary', task, onnx: join(dir, 'model.onnx') });
      await expectRunsAsSummarised(join(dir, 'model.onnx'), summary);
      const plain = await runCli(['export', join(out, 'checkpoint.safetensors'), '--out', join(dir, 'again.onnx')]);
      expect(plain.stdout).toMatch(/^wrote .*again\.onnx \(\d+ bytes, ONNX opset 17\): inputs /);
      expect(await readFile(join(dir, 'again.onnx'))).toEqual(await readFile(join(dir, 'model.onnx')));
    }, 300_000);
  }

  it('another format, or a missing --out, is a usage error (exit 2)', async () => {
    const dir = await tempDir();
    const wrong = await runCli(['export', join(dir, 'none.safetensors'), '--format', 'tflite', '--out', join(dir, 'x')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^recur: --format: expected onnx; got 'tflite'\n$/);
    expect((await runCli(['export', join(dir, 'none.safetensors')])).code).toBe(2);
  });
});
