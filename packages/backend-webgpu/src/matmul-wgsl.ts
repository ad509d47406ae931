// Tiled matmul shader: out[…, M, N] (+)= op(A)[…, M, K] · op(B)[…, K, N]. A workgroup of 8×8
// invocations computes a 32×32 tile of out, each invocation a 4×4 register block (rows ty + 8r,
// cols tx + 8c), staging 32×16 slices of A and 16×32 of B in workgroup memory per K step.

import type { Bindings } from './bindings.js';
import { FIRST_PARAM } from './kernel-context.js';
import { offsetCode } from './strided-layout.js';
import type { ShaderParts } from './wgsl-prelude.js';

/** Invocations per side of the workgroup, and outputs per side of each invocation's block. */
const THREADS = 8;
const BLOCK = 4;
export const MATMUL_TILE = THREADS * BLOCK;
const TILE_K = 16;
const INVOCATIONS = THREADS * THREADS;

/** Param word names, in order, starting at FIRST_PARAM; the batch layout follows them. */
export const MATMUL_WORDS = [
  'M', 'N', 'K', 'tilesM', 'tilesN',
  'strideAM', 'strideAK', 'strideBK', 'strideBN', 'strideCM', 'strideCN',
] as const;

const word = (name: (typeof MATMUL_WORDS)[number]): string => `${FIRST_PARAM + MATMUL_WORDS.indexOf(name)}u`;

const range = (n: number): number[] => Array.from({ length: n }, (_, k) => k);

/** Load step e of the invocation's share of the A and B slices (zero outside the matrices). */
function loadTiles(e: number, loadA: string, loadB: string): string {
  return `    {
      let flat = i32(lid) + ${e * INVOCATIONS};
      let rowA = m0 + flat / ${TILE_K};
      let kA = k0 + flat % ${TILE_K};
      var valueA = 0.0;
      if (rowA < M && kA < K) { valueA = ${loadA}; }
      tileA[flat % ${TILE_K}][flat / ${TILE_K}] = valueA;
      let kB = k0 + flat / ${MATMUL_TILE};
      let colB = n0 + flat % ${MATMUL_TILE};
      var valueB = 0.0;
      if (kB < K && colB < N) { valueB = ${loadB}; }
      tileB[flat / ${MATMUL_TILE}][flat % ${MATMUL_TILE}] = valueB;
    }`;
}

/** Store accumulator q = r·BLOCK + c at (ty + 8r, tx + 8c) when inside out. */
function storeOne(q: number, outIndex: string, bindings: Bindings, accumulate: boolean): string {
  const r = Math.floor(q / BLOCK);
  const c = q % BLOCK;
  const value = accumulate ? `acc${q} + ${bindings.load(0, 'po', 'f32')}` : `acc${q}`;
  return `  {
    let i = m0 + ty + ${THREADS * r};
    let j = n0 + tx + ${THREADS * c};
    if (i < M && j < N) {
      let po = ${outIndex};
      ${bindings.store(0, 'po', value, 'f32')}
    }
  }`;
}

/** Operands: 0 out, 1 a, 2 b. The batch layout lists a, b, out (offsets o0, o1, o2). */
export function matmulShader(bindings: Bindings, batchRank: number, accumulate: boolean): ShaderParts {
  const batchBase = FIRST_PARAM + MATMUL_WORDS.length;
  const loadA = bindings.load(1, `o0 + rowA * pi(${word('strideAM')}) + kA * pi(${word('strideAK')})`, 'f32');
  const loadB = bindings.load(2, `o1 + kB * pi(${word('strideBK')}) + colB * pi(${word('strideBN')})`, 'f32');
  const outIndex = `o2 + i * pi(${word('strideCM')}) + j * pi(${word('strideCN')})`;
  const perThread = (MATMUL_TILE * TILE_K) / INVOCATIONS;
  return {
    workgroupSize: INVOCATIONS,
    helpers: `var<workgroup> tileA: array<array<f32, ${MATMUL_TILE}>, ${TILE_K}>;
var<workgroup> tileB: array<array<f32, ${MATMUL_TILE}>, ${TILE_K}>;`,
    body: `
  let M = pi(${word('M')});
  let N = pi(${word('N')});
  let K = pi(${word('K')});
  let tiles = pu(${word('tilesM')}) * pu(${word('tilesN')});
  let batch = group / tiles;
  let within = group % tiles;
  let m0 = i32(within / pu(${word('tilesN')})) * ${MATMUL_TILE};
  let n0 = i32(within % pu(${word('tilesN')})) * ${MATMUL_TILE};
${offsetCode(batchRank, 3, batchBase, 'batch')}
  let tx = i32(lid % ${THREADS}u);
  let ty = i32(lid / ${THREADS}u);
${range(BLOCK * BLOCK).map((q) => `  var acc${q} = 0.0;`).join('\n')}
  for (var k0 = 0; k0 < K; k0 += ${TILE_K}) {
${range(perThread).map((e) => loadTiles(e, loadA, loadB)).join('\n')}
    workgroupBarrier();
    for (var kk = 0; kk < ${TILE_K}; kk++) {
${range(BLOCK).map((r) => `      let a${r} = tileA[kk][ty + ${THREADS * r}];\n      let b${r} = tileB[kk][tx + ${THREADS * r}];`).join('\n')}
${range(BLOCK * BLOCK).map((q) => `      acc${q} += a${Math.floor(q / BLOCK)} * b${q % BLOCK};`).join('\n')}
    }
    workgroupBarrier();
  }
${range(BLOCK * BLOCK).map((q) => storeOne(q, outIndex, bindings, accumulate)).join('\n')}`,
  };
}
