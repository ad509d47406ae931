// The layer-norm LSTM cases on the CPU reference: its fused per-step pair (layerNormLstmCell) ≡ the
// composed ops within the suite's tolerance, so the cases are sound for any backend's walk.

import { createCpuBackend } from '@recur/backend-cpu';
import { registerBackend, useBackend } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { LAYER_NORM_LSTM_CASES, expectFusedMatches, layerNormLstmValuesAndGrads } from './fused/layer-norm-lstm.js';

describe('cpu: layer-norm LSTM fused ≡ composed', () => {
  it.each(LAYER_NORM_LSTM_CASES)('$name', async (c) => {
    registerBackend(createCpuBackend, { name: 'cpu' });
    const backend = await useBackend('cpu');
    expect(backend.fused?.layerNormLstmCell).toBeDefined();
    expectFusedMatches(c.name, await layerNormLstmValuesAndGrads(c, true), await layerNormLstmValuesAndGrads(c, false));
  });

  it('names the worst element when a tensor is off', () => {
    const composed = [new Float32Array([1, 100, 0])];
    expect(() => expectFusedMatches('x', [new Float32Array([1, 100, 0.0001])], composed)).not.toThrow();
    expect(() => expectFusedMatches('x', [new Float32Array([1.001, 100, 0.01])], composed)).toThrow(
      /x: tensor 0: 2 of 3 elements off; worst 2: fused 0\.0099/,
    );
  });
});
