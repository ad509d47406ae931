// enableRelaxedSimd: Node 20 rejects relaxed SIMD until the call, which turns V8's flag on; the
// backends made afterwards run sgemm and the one-row kernel on FMA, bitwise equal across threads.

import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import type { GemmProblem } from './gemm.js';
import { enableRelaxedSimd, relaxedSimdAvailable } from './relaxed-simd.js';
import { ThreadPool } from './thread-pool.js';
import { blockedGemm } from './wasm-gemm.js';
import { threadedGemm } from './wasm-gemm-threads.js';
import { WasmRuntime } from './wasm-runtime.js';
import { mulberry32 } from '@recur/backend';

// Modules compiled later in this process (other test files) get the engine's own default back.
afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

describe('enableRelaxedSimd', () => {
  it('is an opt-in: off until called in Node 20, on after it, and later runtimes use the FMA', () => {
    const major = Number(process.versions.node.split('.')[0]);
    // Node 20's V8 (11.3) ships relaxed SIMD behind the flag; later ones have it by default.
    if (major === 20) expect(relaxedSimdAvailable()).toBe(false);
    const before = WasmRuntime.create();
    expect(enableRelaxedSimd()).toBe(true);
    expect(relaxedSimdAvailable()).toBe(true);
    expect(WasmRuntime.create()?.fusedMultiplyAdd).toBe(true);
    // A runtime made before keeps its kernels.
    if (major === 20) expect(before?.fusedMultiplyAdd).toBe(false);
  });

  it('keeps products bitwise equal across thread counts and within float32 rounding of Σ|a·b|', async () => {
    enableRelaxedSimd();
    const single = WasmRuntime.create();
    const shared = WasmRuntime.create({ shared: true, fusedMultiplyAdd: true });
    expect(single?.fusedMultiplyAdd).toBe(true);
    // Node has shared memory and worker threads: the threaded path must run here.
    expect(shared?.shared && ThreadPool.supported()).toBe(true);
    if (!shared) return;
    const pool = new ThreadPool(3, () => shared);
    try {
      const until = Date.now() + 30_000;
      while (pool.ready() < pool.threads - 1 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      const random = mulberry32(3);
      const [M, K, N] = [37, 700, 300];
      const p: GemmProblem = {
        M,
        N,
        K,
        a: Float32Array.from({ length: M * K }, () => random() - 0.5),
        b: Float32Array.from({ length: K * N }, () => random() - 0.5),
        c: new Float32Array(M * N),
        rowA: Int32Array.from({ length: M }, (_, i) => i * K),
        strideAK: 1,
        colB: Int32Array.from({ length: N }, (_, j) => j),
        strideBK: N,
        rowC: Int32Array.from({ length: M }, (_, i) => i * N),
        colC: Int32Array.from({ length: N }, (_, j) => j),
        accumulate: false,
      };
      const alone = { ...p, c: new Float32Array(M * N) };
      // One row (gemvBlock) equals row 0 of the tile kernel on FMA too.
      const row = { ...p, M: 1, c: new Float32Array(N) };
      expect(blockedGemm(single!, row)).toBe(true);
      expect(threadedGemm(pool, p)).toBe(true);
      expect(blockedGemm(single!, alone)).toBe(true);
      expect(Array.from(p.c)).toEqual(Array.from(alone.c));
      expect(Array.from(row.c)).toEqual(Array.from(alone.c.subarray(0, N)));
      for (const [i, j] of [
        [0, 0],
        [M - 1, N - 1],
        [17, 213],
      ] as const) {
        let sum = 0;
        let magnitude = 0;
        for (let k = 0; k < K; k++) {
          sum += p.a[i * K + k]! * p.b[k * N + j]!;
          magnitude += Math.abs(p.a[i * K + k]! * p.b[k * N + j]!);
        }
        expect(Math.abs(p.c[i * N + j]! - sum)).toBeLessThanOrEqual(K * 2 ** -24 * magnitude);
      }
    } finally {
      pool.dispose();
    }
  }, 60_000);
});
