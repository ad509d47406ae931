// Long float32 sums against a float64 reference: a column sum (one invocation per output, as for
// a bias gradient over N packed rows) and a whole-tensor sum (one workgroup). Summed in one
// running float32 total, 8192 rows were 420 half-ulps off; blocks joined with Kahan's
// compensation keep it to about one. R reduced rows, C columns.

import { contiguousStrides, sizeOf, type View } from '@recur/backend';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebGPUBackend } from './backend.js';
import type { WebGPUBuffer } from './memory.js';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

type GpuView = View<WebGPUBuffer>;

/** Seeded values in [0.1, 1.1): all of one sign, so the rounding of a running total adds up. */
function positive(n: number, seed: number): Float32Array<ArrayBuffer> {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 0.1 + s / 2 ** 32;
  });
}

describeGpu('webgpu long float32 sums', () => {
  let backend: WebGPUBackend;
  beforeAll(async () => {
    backend = await createTestBackend();
  });
  afterAll(() => backend?.dispose());

  function view(shape: number[], values?: Float32Array<ArrayBuffer>): GpuView {
    const buffer = backend.alloc(sizeOf(shape), 'float32');
    if (values) backend.write(buffer, values);
    return { buffer, dtype: 'float32', shape, strides: contiguousStrides(shape), offset: 0 };
  }

  it.each([
    { what: 'a column sum over 8192 rows', R: 8192, C: 512 },
    { what: 'a sum of 2^20 values', R: 1 << 20, C: 1 },
  ])('$what is within 8 half-ulps of float64', async ({ R, C }) => {
    const data = positive(R * C, 5);
    const x = view([R, C], data);
    const out = view([1, C]);
    backend.reduce('sum', x, [0], out);
    const got = await backend.read(out.buffer, 0, C);
    const expected = new Float64Array(C);
    for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) expected[c]! += data[r * C + c]!;
    let worst = 0;
    expected.forEach((e, c) => {
      worst = Math.max(worst, Math.abs(got[c]! - e) / e / 2 ** -24);
    });
    expect(worst).toBeLessThanOrEqual(8);
    backend.free(x.buffer);
    backend.free(out.buffer);
  });

  // Compensation must not turn ∞ − ∞ into NaN: [200, 512] runs per column, [200, 5] per workgroup.
  it.each([512, 5])('keeps ±∞ and NaN in sums over 200 rows × %i columns', async (C) => {
    const R = 200;
    const data = new Float32Array(R * C).fill(1);
    const set = (r: number, c: number, v: number) => (data[r * C + c] = v);
    set(0, 0, Infinity);
    set(100, 1, -Infinity);
    set(0, 2, Infinity);
    set(100, 2, -Infinity);
    set(70, 3, NaN);
    set(10, 4, 3e38);
    set(150, 4, 3e38);
    const x = view([R, C], data);
    const out = view([1, C]);
    backend.reduce('sum', x, [0], out);
    const got = Array.from(await backend.read(out.buffer, 0, C)).slice(0, 6);
    expect(got).toEqual([Infinity, -Infinity, NaN, NaN, Infinity, R].slice(0, C));
    backend.free(x.buffer);
    backend.free(out.buffer);
  });
});
