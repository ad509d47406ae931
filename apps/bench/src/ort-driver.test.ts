// The ONNX Runtime peers skip what they cannot run with an `Unsupported` (the report's
// "unsupported:" line), never a failed run: cases other than W1, W4 forward and W6, and every
// case when no PyTorch can export the model. With PyTorch present, W6's exported step runs and
// carries its state. The harness's exporter setting comes through the environment.

import { afterEach, describe, expect, it } from 'vitest';
import { ONNX_EXPORT_ENV, ortDriver } from './drivers/ort-driver.js';
import { Unsupported, type CaseSpec } from './protocol.js';
import { findTorchPython } from './systems.js';
import { fileURLToPath } from 'node:url';

const saved = process.env[ONNX_EXPORT_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[ONNX_EXPORT_ENV];
  else process.env[ONNX_EXPORT_ENV] = saved;
});

const step: CaseSpec = {
  workload: 'W6',
  key: 'H32 L1',
  variant: 'quick',
  shape: { kind: 'stream-step', inputSize: 8, hiddenSize: 32, layers: 1 },
};
const train: CaseSpec = {
  workload: 'W4',
  key: 'train',
  variant: 'quick',
  shape: { kind: 'online-train', steps: 5, inputSize: 1, hiddenSize: 8 },
};

describe('ort peers', () => {
  it('answer Unsupported for training cases and when PyTorch cannot export the model', async () => {
    const driver = ortDriver('node');
    const info = await driver.init(1);
    expect(info.version).toMatch(/^1\.30\./);
    await expect(driver.prepare(train)).rejects.toThrow(Unsupported);
    process.env[ONNX_EXPORT_ENV] = JSON.stringify({ error: 'PyTorch is not importable by /nowhere/python3' });
    await expect(driver.prepare(step)).rejects.toThrow(/torch\.onnx\.export: PyTorch is not importable/);
    await expect(driver.prepare(step)).rejects.toBeInstanceOf(Unsupported);
  });

  const torch = findTorchPython();
  it.skipIf('error' in torch)("run the PyTorch peer's exported W6 step on onnxruntime-web", async () => {
    if ('error' in torch) return;
    process.env[ONNX_EXPORT_ENV] = JSON.stringify({
      python: torch.python,
      script: fileURLToPath(new URL('../python/torch-peer.py', import.meta.url)),
    });
    const driver = ortDriver('wasm');
    await driver.init(1);
    const iteration = await driver.prepare(step);
    // The second run feeds the first one's (h_n, c_n) back as h0, c0: names and shapes must match.
    await expect(iteration.run()).resolves.toBeUndefined();
    await expect(iteration.run()).resolves.toBeUndefined();
    iteration.dispose();
  });
});
