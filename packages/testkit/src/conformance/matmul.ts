// Conformance of matmul for every combination of transposeA/transposeB/accumulate, with batch
// dimensions (broadcast by stride 0 as the tensor core passes them), empty M/K/N and sizes off
// tile multiples. M, K, N as in out[..., M, N] (+)= op(A)[..., M, K] · op(B)[..., K, N].

import { sizeOf } from '@recur/backend';
import type { MatmulOptions } from '@recur/backend';
import { describe } from 'vitest';
import { maxAbs } from './compare.js';
import { uniformIn, type Shape } from './generators.js';
import { kernelTest, type Harness } from './harness.js';
import type { LayoutRequest } from './layouts.js';
import type { Rng } from './prng.js';

interface MatmulCase {
  readonly batch: Shape;
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

const FIXED_CASES: readonly MatmulCase[] = [
  { batch: [], m: 1, k: 1, n: 1 },
  { batch: [], m: 3, k: 5, n: 17 },
  { batch: [], m: 17, k: 33, n: 5 },
  { batch: [], m: 65, k: 3, n: 33 },
  { batch: [], m: 33, k: 65, n: 17 },
  { batch: [], m: 0, k: 3, n: 5 },
  { batch: [], m: 3, k: 0, n: 5 },
  { batch: [], m: 5, k: 3, n: 0 },
  { batch: [2], m: 5, k: 17, n: 3 },
  { batch: [3, 2], m: 3, k: 5, n: 4 },
  { batch: [1], m: 33, k: 17, n: 65 },
  { batch: [2, 0], m: 3, k: 3, n: 3 },
  { batch: [4], m: 1, k: 65, n: 1 },
  // Past common blocking sizes (K 256, N 1024, M 64 once batches fold into rows).
  { batch: [], m: 5, k: 300, n: 7 },
  { batch: [], m: 2, k: 3, n: 1030 },
  { batch: [3], m: 33, k: 9, n: 5 },
];

const SIZES = [1, 2, 3, 5, 7, 17, 33, 65];

function randomCase(rng: Rng): MatmulCase {
  const batch = Array.from({ length: rng.int(0, 2) }, () => rng.int(1, 4));
  return { batch, m: rng.pick(SIZES), k: rng.pick(SIZES), n: rng.pick(SIZES) };
}

/** Operand layouts [a, b, out]; the last three broadcast batch dimensions of one operand. */
function plans(batchRank: number): (readonly [LayoutRequest, LayoutRequest, LayoutRequest])[] {
  const batchAxes = Array.from({ length: batchRank }, (_, axis) => axis);
  return [
    ['contiguous', 'contiguous', 'contiguous'],
    ['permuted', 'sliced', 'offset'],
    ['sliced', 'permuted', 'permuted'],
    ['offset', 'offset', 'sliced'],
    [{ kind: 'broadcast', axes: batchAxes }, 'sliced', 'contiguous'],
    ['permuted', { kind: 'broadcast', axes: batchAxes.slice(0, 1) }, 'offset'],
    ['sliced', { kind: 'broadcast', axes: batchAxes }, 'permuted'],
  ];
}

/** Host matmul in float64 from the logical (row-major) operands. */
function matmulContract(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  initial: ArrayLike<number> | undefined,
  { batch, m, k, n }: MatmulCase,
  options: MatmulOptions,
): Float32Array {
  const count = sizeOf(batch);
  const out = new Float32Array(count * m * n);
  for (let batchIndex = 0; batchIndex < count; batchIndex++) {
    const aBase = batchIndex * m * k;
    const bBase = batchIndex * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const o = batchIndex * m * n + i * n + j;
        let sum = initial ? initial[o]! : 0;
        for (let p = 0; p < k; p++) {
          const aValue = a[aBase + (options.transposeA ? p * m + i : i * k + p)]!;
          const bValue = b[bBase + (options.transposeB ? j * k + p : p * n + j)]!;
          sum += aValue * bValue;
        }
        out[o] = sum;
      }
    }
  }
  return out;
}

export function describeMatmul(harness: Harness): void {
  describe('matmul', () => {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        for (const accumulate of [false, true]) {
          const options: MatmulOptions = { transposeA, transposeB, accumulate };
          const name = `matmul transposeA=${transposeA} transposeB=${transposeB} accumulate=${accumulate}`;
          kernelTest(harness, name, async (session) => {
            const values = uniformIn(-2, 2);
            const cases = [...FIXED_CASES, randomCase(session.rng), randomCase(session.rng)];
            for (const c of cases) {
              const { batch, m, k, n } = c;
              for (const [aLayout, bLayout, outLayout] of plans(batch.length)) {
                const a = session.input('float32', [...batch, ...(transposeA ? [k, m] : [m, k])], aLayout, values);
                const b = session.input('float32', [...batch, ...(transposeB ? [n, k] : [k, n])], bLayout, values);
                const outShape = [...batch, m, n];
                const initial = accumulate ? Float32Array.from({ length: sizeOf(outShape) }, () => session.rng.uniform(-4, 4)) : undefined;
                const out = session.output('float32', outShape, outLayout, initial);
                session.backend.matmul(a.view, b.view, out.view, options);
                session.reference.matmul(a.reference, b.reference, out.reference, options);
                const scale = k * maxAbs(a.logical) * maxAbs(b.logical) + (initial ? maxAbs(initial) : 0);
                const bound = harness.tolerance.matmul * scale;
                const contract = matmulContract(a.logical, b.logical, initial, c, options);
                const label = `matmul M=${m} K=${k} N=${n} a:${a.layout} b:${b.layout}`;
                await session.check(label, out, () => bound, contract);
                session.release();
              }
            }
          });
        }
      }
    }
  });
}
