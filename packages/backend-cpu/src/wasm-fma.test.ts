// The sgemm kernel on relaxed SIMD's fused multiply-add, which Node 20 only runs behind a V8
// flag (later engines by default): set here so the variant is proven on every engine we test on.
// M, N, K: the product's sizes; the TypeScript gemm is the reference.

import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { gemm, type GemmProblem } from './gemm.js';
import { wasmGemm } from './wasm-gemm.js';
import { WasmRuntime } from './wasm-runtime.js';
import { mulberry32 } from '@recur/backend';

setFlagsFromString('--experimental-wasm-relaxed-simd');
// Modules compiled later in this process (other test files) get the engine's own default back.
afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

function problem(random: () => number, M: number, N: number, K: number, transposeB: boolean, accumulate: boolean): GemmProblem {
  const values = (count: number): Float32Array => Float32Array.from({ length: count }, () => random() * 2 - 1);
  return {
    M,
    N,
    K,
    a: values(M * K),
    b: values(K * N),
    c: values(M * N),
    rowA: Int32Array.from({ length: M }, (_, i) => i * K),
    strideAK: 1,
    colB: Int32Array.from({ length: N }, (_, j) => (transposeB ? j * K : j)),
    strideBK: transposeB ? 1 : N,
    rowC: Int32Array.from({ length: M }, (_, i) => i * N),
    colC: Int32Array.from({ length: N }, (_, j) => j),
    accumulate,
  };
}

describe('sgemm on relaxed SIMD fused multiply-add', () => {
  const runtime = WasmRuntime.create({ fusedMultiplyAdd: true });

  it('matches the TypeScript gemm within float32 rounding of Σ|a·b|', () => {
    expect(runtime?.fusedMultiplyAdd).toBe(true);
    const random = mulberry32(31);
    for (const [M, N, K] of [
      [4, 8, 64],
      [33, 70, 320],
      [67, 520, 800],
      [130, 17, 40],
    ] as const) {
      for (const transposeB of [false, true]) {
        const fast = problem(random, M, N, K, transposeB, M % 2 === 1);
        const slow = { ...fast, c: fast.c.slice() };
        wasmGemm(runtime!, fast);
        gemm(slow);
        // Inputs lie in (-1, 1), so Σ|a·b| + |old| ≤ K + 1 bounds every element's rounding.
        let worst = 0;
        slow.c.forEach((expected, index) => (worst = Math.max(worst, Math.abs(fast.c[index]! - expected) / (K + 1))));
        expect(worst, `M=${M} N=${N} K=${K} transposeB=${transposeB}`).toBeLessThan(1e-6);
      }
    }
  });
});
