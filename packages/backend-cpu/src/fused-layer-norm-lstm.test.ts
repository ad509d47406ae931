// The fused layer-norm LSTM pair's own contract (its values and gradients ≡ the composed step are
// proven in @recur/cells' layer-norm-lstm.test.ts and the lnlstm_* fixtures): shapes are checked
// with typed errors, `saved` is optional, and a row of equal recurrent values normalises to β_h.

import { describe, expect, it } from 'vitest';
import { ShapeError, contiguousStrides, type View } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import type { CpuBuffer } from './memory.js';

const backend = createCpuBackend();
const fused = backend.fused!;

function view(values: number[] | number, shape: number[]): View<CpuBuffer> {
  const size = shape.reduce((a, b) => a * b, 1);
  const buffer = backend.alloc(size, 'float32');
  backend.write(buffer, Float32Array.from(typeof values === 'number' ? new Array<number>(size).fill(values) : values));
  return { buffer, dtype: 'float32', shape, strides: contiguousStrides(shape), offset: 0 };
}

const read = (v: View<CpuBuffer>) => Array.from(backend.readSync!(v.buffer) as Float32Array);

describe('fused layerNormLstmCell (CPU)', () => {
  const H = 2;
  const norms = () => ({
    gammaH: view(1, [4 * H]),
    betaH: view([0, 0, 5, 5, 0, 0, 5, 5], [4 * H]),
    gammaC: view(1, [H]),
    betaC: view([0.5, -0.5], [H]),
  });

  it('equal recurrent values normalise to 0, so pre = gates + β_h; LN_c of two values is ±1·γ_c + β_c', () => {
    const [h, cNext] = [view(0, [1, H]), view(0, [1, H])];
    // gates 0, so pre = β_h: i = σ(0), f = σ(5), g = tanh(0) = 0, o = σ(5) for both units.
    fused.layerNormLstmCell!(view(0, [1, 4 * H]), view(3, [1, 4 * H]), view([1, -1], [1, H]), norms(), 1e-5, h, cNext);
    // s = σf·c = [σ(5), −σ(5)]; LN over two values gives [+1, −1] (up to ε), then + β_c.
    const c = read(cNext);
    expect(c[0]).toBeCloseTo(1.5, 4);
    expect(c[1]).toBeCloseTo(-1.5, 4);
    const sigmoid5 = 1 / (1 + Math.exp(-5));
    expect(read(h)[0]).toBeCloseTo(sigmoid5 * Math.tanh(1.5), 4);
    expect(read(h)[1]).toBeCloseTo(sigmoid5 * Math.tanh(-1.5), 4);
  });

  it('names the view whose shape is wrong', () => {
    const call = (gates: number[], saved?: number[]) =>
      fused.layerNormLstmCell!(
        view(0, gates),
        view(0, [1, 4 * H]),
        view(0, [1, H]),
        norms(),
        1e-5,
        view(0, [1, H]),
        view(0, [1, H]),
        saved ? view(0, saved) : undefined,
      );
    expect(() => call([1, 7])).toThrow(ShapeError);
    expect(() => call([1, 7])).toThrow(/gates must be \[batch, 4·hidden\]/);
    expect(() => call([1, 4 * H], [1, 5 * H])).toThrow(/saved must be \[1,13\]/);
  });
});
