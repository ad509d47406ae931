// Runs every code sample the site shows (snippets/*.ts) on the CPU backend and checks the
// claims their comments make. WebGPU is stubbed to be missing, as on a machine without a GPU.

import { readdirSync } from 'node:fs';
import { readSafetensorsHeader } from '@recur/tensor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('@recur/backend-webgpu', () => ({
  webgpu: () => ({
    name: 'webgpu',
    priority: 10,
    create: () => Promise.reject(new Error('webgpu: no GPU adapter in the snippet tests')),
  }),
  createWebGPUBackend: () => Promise.reject(new Error('webgpu: no GPU adapter in the snippet tests')),
}));

const snippetsDir = new URL('../snippets/', import.meta.url);
const snippets = readdirSync(snippetsDir)
  .filter((file) => file.endsWith('.ts'))
  .sort();

// What a snippet's comments promise, checked on its exports.
const claims: Record<string, (exports: Record<string, unknown>) => void> = {
  'install-cpu.ts': (m) =>
    expect(m.shapes).toEqual([
      [2, 5, 8],
      [1, 2, 8],
      [1, 2, 8],
    ]),
  'swap-backend.ts': (m) =>
    expect(m.result).toEqual([
      [7, 10],
      [15, 22],
    ]),
  'compress-model.ts': (m) => {
    expect((m.report as { total: { sparsity: number } }).total.sparsity).toBe(0.5);
    expect((m.compressed as Uint8Array).length).toBeLessThan((m.plain as Uint8Array).length / 4.5);
    expect(m.drift as number).toBeLessThan(1e-3);
  },
  'serve-onnx.ts': (m) => expect(m.difference as number).toBeLessThan(1e-5),
  'onnx-weights.ts': (m) => expect(m.difference).toBe(0),
  'create-default.ts': (m) => expect(m.backendName).toBe('cpu'),
  'why-rnns.ts': (m) => expect(m.difference).toBeLessThan(1e-6),
  'writing-a-backend.ts': (m) => {
    expect(m.shape).toEqual([5, 2, 4]);
    expect(m.unaryCalls as number).toBeGreaterThan(0);
  },
  'vanilla-rnn.ts': (m) => expect(m.difference).toBeLessThan(1e-5),
  'variants.ts': (m) => expect(m.widths).toEqual({ bidirectional: 64, lstmRows: 128 }),
  'custom-module.ts': (m) =>
    expect(m.keys).toEqual(['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'fc.weight', 'fc.bias']),
  'reference-models.ts': (m) => expect(m.tagShape).toEqual([2, 4, 5]),
  'training-loop.ts': (m) => {
    const losses = m.losses as number[];
    expect(losses).toHaveLength(12);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  },
  'packed-sequences.ts': (m) => expect(m.paddedShape).toEqual([3, 5, 6]),
  'initialisation.ts': (m) => expect(m.biasMax).toBe(0),
  'text-classification.ts': (m) => expect(m.lastLoss).toBeLessThan(0.2),
  'time-series.ts': (m) => {
    const losses = m.epochLosses as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  },
  'translation.ts': (m) => expect(m.logitsShape).toEqual([4, 5, 40]),
  'residual-lstm.ts': (m) => expect(m.residualGradient as number).toBeGreaterThan((m.plainGradient as number) * 1000),
  'gated-cells.ts': (m) => {
    expect(m.rnnGradient as number).toBeLessThan(1e-12);
    expect(m.lstmGradient as number).toBeGreaterThan(1e-4);
  },
  'gradient-clipping.ts': (m) => {
    expect(m.normBefore as number).toBeGreaterThan(1e6);
    expect(m.normAfter as number).toBeCloseTo(1, 5);
  },
  'orthogonal-init.ts': (m) => {
    expect(m.uniformGradient as number).toBeLessThan(1e-15);
    expect(m.orthogonalGradient as number).toBeGreaterThan(1e-10);
  },
  'layernorm-lstm.ts': (m) => {
    expect(m.normedChange as number).toBeLessThan(1e-3);
    expect(m.plainChange as number).toBeGreaterThan(0.1);
  },
  'clockwork-rnn.ts': (m) => {
    expect(m.slowUpdates).toEqual([0, 32, 64, 96]);
    expect(m.rnnGradient as number).toBeLessThan(1e-12);
    expect(m.clockworkGradient as number).toBeGreaterThan(1e-4);
  },
  'skip-connections.ts': (m) => {
    expect(m.plainGradient as number).toBeLessThan(1e-12);
    expect(m.dilatedGradient as number).toBeGreaterThan(1e-7);
  },
  'self-attention.ts': (m) => {
    Array.from(m.rowSums as Float32Array).forEach((sum) => expect(sum).toBeCloseTo(1, 5));
    expect(m.paddedWeight).toBe(0);
  },
  'attention.ts': (m) => {
    Array.from(m.rowSums as Float32Array).forEach((sum) => expect(sum).toBeCloseTo(1, 5));
    expect(m.libraryDifference as number).toBeLessThan(1e-6);
  },
  'subword-bpe.ts': (m) => expect(m.roundTrip).toBe(true),
  'metrics.ts': (m) => expect(m.rougeL).toBeCloseTo(5 / 6, 10),
  'dropout-eval.ts': (m) => expect(m.evalIsDeterministic).toBe(true),
  'pytorch-weights.ts': (m) => expect(m.same).toBe(0),
  'checkpoint.ts': (m) => expect(m.extra).toEqual({ epoch: 3 }),
  'tfjs-lstm.ts': (m) => expect(m.difference).toBeLessThan(1e-5),
  'stream-state.ts': (m) => {
    expect(m.sameAsWhole).toBe(true);
    expect(m.metadata).toEqual({ session: 'demo' });
    expect(m.afterRestoreShape).toEqual([3, 8]);
  },
  'fit-callbacks.ts': (m) => {
    const history = m.history as { loss: number; valLoss: number }[];
    expect(history.at(-1)!.valLoss).toBeLessThan(history[0]!.valLoss * 0.5);
    expect([...(m.stored as Map<string, Uint8Array>).keys()].sort()).toEqual(['best', 'last']);
    // LSTM 1 → 16: 4·16·(1 + 16) weights + 2·4·16 biases; head 16 + 1.
    expect((m.table as { totalParams: number }).totalParams).toBe(1216 + 17);
  },
  'train-in-worker.ts': (m) => {
    const losses = m.losses as number[];
    expect(losses).toHaveLength(10);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(Object.keys(readSafetensorsHeader(m.weights as Uint8Array).tensors)).toContain('gru.weight_hh_l0');
  },
  'online-learning.ts': (m) => expect(m.laterMae as number).toBeLessThan((m.firstHundredMae as number) * 0.5),
};

beforeAll(() => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterAll(() => vi.restoreAllMocks());

describe('every snippet runs and keeps its promises', () => {
  it('has a claim for every snippet', () => {
    expect(Object.keys(claims).sort()).toEqual(snippets);
  });

  it.each(snippets)('%s', async (file) => {
    const exports = (await import(`../snippets/${file.replace(/\.ts$/, '')}.ts`)) as Record<string, unknown>;
    claims[file]!(exports);
  });
});
