// exp, log, tanh and sigmoid (elementwise and inside the fused LSTM/GRU cells) against a float64
// reference on the same float32 inputs, in ulp of the result: SwiftShader's own tanh and log lost
// every digit near 0 and 1 and its exp was 8 ulp off, which put a WebGPU LSTM's loss outside
// PyTorch's tolerance (issue G7). B batch, H hidden.

import { contiguousStrides, sizeOf, type View } from '@recur/backend';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebGPUBackend } from './backend.js';
import type { WebGPUBuffer } from './memory.js';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

type GpuView = View<WebGPUBuffer>;

/** The spacing of float32 numbers at |v| (subnormal spacing below 2^-126). */
function ulp(v: number): number {
  const a = Math.abs(Math.fround(v));
  return a === 0 ? 2 ** -149 : 2 ** (Math.max(Math.floor(Math.log2(a)), -126) - 23);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The largest error in ulp of the float64 reference (or of `scale`, the size of the terms a
 * result sums, where they may cancel), and where it happens.
 */
function worstUlp(
  actual: ArrayLike<number>,
  expected: readonly number[],
  scale: readonly number[] = expected,
): { ulps: number; index: number } {
  let worst = { ulps: 0, index: -1 };
  expected.forEach((e, i) => {
    const ulps = Math.abs(actual[i]! - e) / ulp(Math.max(Math.abs(e), Math.abs(scale[i]!)));
    if (!(ulps <= worst.ulps)) worst = { ulps, index: i };
  });
  return worst;
}

/** Seeded values in [-1, 1) (a small LCG: the test needs variety, not quality). */
function uniform(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 31 - 1);
  });
}

describeGpu('webgpu exp, log, tanh and sigmoid to a few ulp', () => {
  let backend: WebGPUBackend;
  const live: GpuView[] = [];
  beforeAll(async () => {
    backend = await createTestBackend();
  });
  afterAll(() => {
    for (const v of live) backend.free(v.buffer);
    backend?.dispose();
  });

  function matrix(shape: number[], values?: readonly number[]): GpuView {
    const buffer = backend.alloc(sizeOf(shape), 'float32');
    if (values) backend.write(buffer, Float32Array.from(values));
    const view = { buffer, dtype: 'float32' as const, shape, strides: contiguousStrides(shape), offset: 0 };
    live.push(view);
    return view;
  }

  // Tiny arguments (where tanh x ≈ x must keep its digits), a dense sweep of the working range,
  // and large ones for exp's range reduction.
  const tiny = [1e-30, 1e-12, 3e-8, 1e-6, 1e-4, 1e-3, 0.01, 0.1].flatMap((v) => [Math.fround(v), Math.fround(-v)]);
  const sweep = Array.from({ length: 2001 }, (_, i) => Math.fround(-8 + i * 0.008));
  const large = [-87, -60, -30, -15, 12, 30, 60, 88].map(Math.fround);

  const signed = [...tiny, ...sweep, ...large];
  // log: around 1 (where log x ≈ x − 1 must keep its digits) and over many octaves.
  const positive = [
    ...[1e-7, 1e-5, 1e-3, 0.1].flatMap((d) => [Math.fround(1 + d), Math.fround(1 - d)]),
    ...Array.from({ length: 1001 }, (_, i) => Math.fround(0.5 + i * 0.0015)),
    ...Array.from({ length: 200 }, (_, i) => Math.fround(1e-30 * 1.5 ** i)),
  ];
  it.each([
    { op: 'exp', reference: Math.exp, inputs: signed, bound: 2 },
    { op: 'log', reference: Math.log, inputs: positive, bound: 2 },
    { op: 'tanh', reference: Math.tanh, inputs: signed, bound: 2 },
    { op: 'sigmoid', reference: sigmoid, inputs: signed, bound: 3 },
  ] as const)('$op is within $bound ulp of float64', async ({ op, reference, inputs, bound }) => {
    const x = matrix([inputs.length], inputs);
    const out = matrix([inputs.length]);
    backend.unary(op, x, out);
    const worst = worstUlp(await backend.read(out.buffer, 0, sizeOf(out.shape)), inputs.map(reference));
    expect(worst.ulps, `${op}(${inputs[worst.index]})`).toBeLessThanOrEqual(bound);
  });

  it('keeps NaN and the limits at ±∞', async () => {
    const inputs = [NaN, Infinity, -Infinity, 100, -200, 0];
    const x = matrix([inputs.length], inputs);
    const got: Record<string, number[]> = {};
    for (const op of ['exp', 'log', 'tanh', 'sigmoid'] as const) {
      const out = matrix([inputs.length]);
      backend.unary(op, x, out);
      got[op] = Array.from(await backend.read(out.buffer, 0, sizeOf(out.shape)));
    }
    expect(got).toEqual({
      exp: [NaN, Infinity, 0, Infinity, 0, 1],
      log: [NaN, Infinity, NaN, Math.fround(Math.log(100)), NaN, -Infinity],
      tanh: [NaN, 1, -1, 1, -1, 0],
      sigmoid: [NaN, 1, 0, 1, 0, 0.5],
    });
  });

  // The first step from c = 0 with small pre-activations: c' = i·g, h = o·tanh(c') are then
  // tiny, and only a tanh accurate near 0 gets them to a few ulp.
  it('runs the fused LSTM and GRU cells within a few ulp of float64', async () => {
    const B = 4;
    const H = 8;
    const gates = uniform(B * 4 * H, 7).map((v, k) => Math.fround(k % 2 ? v * 1e-3 : v * 3));
    const c0 = uniform(B * H, 8).map((v, k) => (k < H ? 0 : v));
    const gatesView = matrix([B, 4 * H], gates);
    const cView = matrix([B, H], c0);
    const h = matrix([B, H]);
    const cNext = matrix([B, H]);
    backend.fused!.lstmCell!(gatesView, cView, h, cNext);
    // h = o·tanh(c') from the kernel's own c', so a cancelling c' does not count twice.
    const gpuC = await backend.read(cNext.buffer, 0, sizeOf(cNext.shape));
    const lstmH: number[] = [];
    const lstmC: number[] = [];
    const lstmTerms: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const g = (q: number) => gates[b * 4 * H + q * H + j]!;
        const [kept, added] = [sigmoid(g(1)) * c0[b * H + j]!, sigmoid(g(0)) * Math.tanh(g(2))];
        const c = kept + added;
        lstmC.push(c);
        lstmTerms.push(Math.max(Math.abs(kept), Math.abs(added)));
        lstmH.push(sigmoid(g(3)) * Math.tanh(gpuC[b * H + j]!));
      }
    }
    // f·c + i·g may cancel: the bound is in ulp of the larger term, as for any sum.
    const cWorst = worstUlp(gpuC, lstmC, lstmTerms);
    expect(cWorst.ulps, `lstm c' at ${cWorst.index}`).toBeLessThanOrEqual(4);
    const hWorst = worstUlp(await backend.read(h.buffer, 0, sizeOf(h.shape)), lstmH);
    expect(hWorst.ulps, `lstm h at ${hWorst.index}`).toBeLessThanOrEqual(4);

    const gx = uniform(B * 3 * H, 9).map((v) => Math.fround(v * 1e-2));
    const gh = uniform(B * 3 * H, 10).map((v) => Math.fround(v * 1e-2));
    const hPrev = uniform(B * H, 11).map((v) => Math.fround(v * 1e-3));
    const hNext = matrix([B, H]);
    backend.fused!.gruCell!(matrix([B, 3 * H], gx), matrix([B, 3 * H], gh), matrix([B, H], hPrev), hNext);
    const gru: number[] = [];
    const gruTerms: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const at = (q: number) => b * 3 * H + q * H + j;
        const r = sigmoid(gx[at(0)]! + gh[at(0)]!);
        const z = sigmoid(gx[at(1)]! + gh[at(1)]!);
        const n = Math.tanh(gx[at(2)]! + r * gh[at(2)]!);
        gru.push((1 - z) * n + z * hPrev[b * H + j]!);
        // n's argument sums gx_n and r·gh_n, h' blends n and h: errors scale with the largest.
        gruTerms.push(Math.max(Math.abs(n), Math.abs(hPrev[b * H + j]!), Math.abs(gx[at(2)]!), Math.abs(r * gh[at(2)]!)));
      }
    }
    const gruWorst = worstUlp(await backend.read(hNext.buffer, 0, sizeOf(hNext.shape)), gru, gruTerms);
    expect(gruWorst.ulps, `gru h' at ${gruWorst.index}`).toBeLessThanOrEqual(4);
  });
});
