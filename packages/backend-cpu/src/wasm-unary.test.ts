// The wasm SIMD σ / tanh maps against Math on the same float32 inputs: a few ulp over a wide
// range, the edge values (±0, ±∞, NaN, past the clamps of exp), sizes across the staging chunk,
// offsets; strided or short views, exp and other ops keep the TypeScript loops.

import { describe, expect, it } from 'vitest';
import type { UnaryOp } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import { wasmSimdAvailable } from './wasm-runtime.js';

const REFERENCE: Record<'sigmoid' | 'tanh', (x: number) => number> = {
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
};

const EDGES = [0, -0, Infinity, -Infinity, NaN, 88.5, -87.5, 100, -100, 1e-8, -1e-8, 0.625, -0.625, 15, -15];

/** op over `values` placed at `offset` in a buffer on `backend`, read back. */
function run(backend: ReturnType<typeof createCpuBackend>, op: UnaryOp, values: Float32Array, offset = 0): Float32Array {
  const n = values.length;
  const x = backend.alloc(n + offset, 'float32');
  const out = backend.alloc(n + offset, 'float32');
  const padded = new Float32Array(n + offset);
  padded.set(values, offset);
  backend.write(x, padded);
  const view = (buffer: typeof x) => ({ buffer, dtype: 'float32' as const, shape: [n], strides: [1], offset });
  backend.unary(op, view(x), view(out));
  const result = (backend.readSync!(out) as Float32Array).slice(offset, offset + n);
  backend.free(x);
  backend.free(out);
  return result;
}

/**
 * actual ≈ the Math reference of op on each input, in float32 ulp — not @recur/test-support's
 * closeness check: the reference is computed here, and ±0 and ±∞ must match exactly, signs included.
 */
function expectNearMath(op: keyof typeof REFERENCE, input: Float32Array, actual: Float32Array): void {
  input.forEach((x, i) => {
    const expected = Math.fround(REFERENCE[op](x));
    const got = actual[i]!;
    if (Number.isNaN(expected)) return expect(got, `${op}(${x})`).toBeNaN();
    if (!Number.isFinite(expected) || expected === 0) return expect(got, `${op}(${x})`).toBe(expected);
    // A few float32 ulp (2⁻²³ ≈ 1.2e-7 relative), as the fused cells promise.
    expect(Math.abs(got - expected), `${op}(${x}) = ${got}, Math: ${expected}`).toBeLessThanOrEqual(6e-7 * Math.abs(expected) + 1e-30);
  });
}

describe.runIf(wasmSimdAvailable())('wasm SIMD sigmoid / tanh', () => {
  const simd = createCpuBackend({ simd: true });
  const ts = createCpuBackend({ simd: false });

  for (const op of ['sigmoid', 'tanh'] as const) {
    it(`${op}: within a few ulp of Math over [-20, 20] and the edge values, across chunk boundaries`, () => {
      const n = 16384 * 2 + 37;
      const input = Float32Array.from({ length: n }, (_, i) => (i < EDGES.length ? EDGES[i]! : -20 + (40 * i) / n));
      expectNearMath(op, input, run(simd, op, input, 3));
    });
  }

  it('short and strided views stay on the TypeScript loops (equal to simd: false bit for bit)', () => {
    const short = Float32Array.from({ length: 63 }, (_, i) => (i - 31) / 7);
    expect(run(simd, 'tanh', short)).toEqual(run(ts, 'tanh', short));
    const x = simd.alloc(200, 'float32');
    const out = simd.alloc(100, 'float32');
    const y = ts.alloc(200, 'float32');
    const outTs = ts.alloc(100, 'float32');
    const data = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i));
    simd.write(x, data);
    ts.write(y, data);
    const strided = (buffer: typeof x) => ({ buffer, dtype: 'float32' as const, shape: [100], strides: [2], offset: 0 });
    const dense = (buffer: typeof x) => ({ buffer, dtype: 'float32' as const, shape: [100], strides: [1], offset: 0 });
    simd.unary('exp', strided(x), dense(out));
    ts.unary('exp', strided(y), dense(outTs));
    expect(simd.readSync!(out)).toEqual(ts.readSync!(outTs));
  });

  it('other ops and the TypeScript backend are unchanged', () => {
    const input = Float32Array.from({ length: 500 }, (_, i) => i / 50 - 5);
    expect(run(simd, 'sin', input)).toEqual(run(ts, 'sin', input));
    expect(run(simd, 'exp', input)).toEqual(run(ts, 'exp', input));
    expectNearMath('tanh', input, run(ts, 'tanh', input));
  });
});
