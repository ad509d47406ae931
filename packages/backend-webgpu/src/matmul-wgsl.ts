// Register-tiled matmul shader: out[…, M, N] (+)= op(A)[…, M, K] · op(B)[…, K, N]. Each
// invocation owns an 8×8 block of out (rows m0…m0+7, cols n0…n0+7) and walks K two steps at a
// time, loading 8 values of A's column and 8 of B's row per step: 64 multiply-adds per 16 loads,
// with no workgroup memory and no barriers.
//
// Why no shared-memory tiles: on SwiftShader (WebGPU on the CPU, the only adapter of CI and of
// many headless machines) every workgroup barrier switches coroutines and every load from a
// dynamic index is a per-lane gather, so the cost is loads per multiply-add; the 32×32 tiled
// kernel this replaces spent 3–4× longer on the LSTM shapes (32×256·256×1024). On real GPUs the
// 8×8 register block is the usual inner tile, and L1 serves the reuse that tiles made explicit.
// Rows and columns past the matrix are clamped for loads (no branches in the K loop) and skipped
// for stores. Blocks are numbered row-major per batch, across workgroups of BLOCK_WORKGROUP.

import type { Bindings } from './bindings.js';
import { FIRST_PARAM } from './kernel-context.js';
import { offsetCode } from './strided-layout.js';
import type { ShaderParts } from './wgsl-prelude.js';

/** Rows and columns of out per invocation. */
export const MATMUL_BLOCK = 8;
/** Invocations (blocks) per workgroup. */
export const MATMUL_WORKGROUP = 64;
/** K steps per loop iteration: halves SwiftShader's per-iteration merge of the 64 accumulators. */
const UNROLL = 2;

/** Param word names, in order, starting at FIRST_PARAM; the batch layout follows them. */
export const MATMUL_WORDS = [
  'M',
  'N',
  'K',
  'blocksM',
  'blocksN',
  'blocksTotal',
  'strideAM',
  'strideAK',
  'strideBK',
  'strideBN',
  'strideCM',
  'strideCN',
] as const;

const word = (name: (typeof MATMUL_WORDS)[number]): string => `${FIRST_PARAM + MATMUL_WORDS.indexOf(name)}u`;

const range = (n: number): number[] => Array.from({ length: n }, (_, k) => k);

/** One K step at `k`: load the block's column of A and row of B, then the 64 multiply-adds. */
function kStep(k: string, bindings: Bindings, indent: string): string {
  const loads = [
    ...range(MATMUL_BLOCK).map((r) => `let a${r} = ${bindings.load(1, `rowA${r} + (${k}) * sAK`, 'f32')};`),
    ...range(MATMUL_BLOCK).map((c) => `let b${c} = ${bindings.load(2, `(${k}) * sBK + colB${c}`, 'f32')};`),
  ];
  const products = range(MATMUL_BLOCK * MATMUL_BLOCK).map((q) => `acc${q} += a${Math.floor(q / MATMUL_BLOCK)} * b${q % MATMUL_BLOCK};`);
  return `${indent}{\n${[...loads, ...products].map((line) => `${indent}  ${line}`).join('\n')}\n${indent}}`;
}

/** Store accumulator q = r·BLOCK + c at (m0 + r, n0 + c) when inside out. */
function storeOne(q: number, bindings: Bindings, accumulate: boolean): string {
  const r = Math.floor(q / MATMUL_BLOCK);
  const c = q % MATMUL_BLOCK;
  const index = `o2 + (m0 + ${r}) * sCM + (n0 + ${c}) * sCN`;
  const value = accumulate ? `acc${q} + ${bindings.load(0, 'po', 'f32')}` : `acc${q}`;
  return `  if (m0 + ${r} < M && n0 + ${c} < N) { let po = ${index}; ${bindings.store(0, 'po', value, 'f32')} }`;
}

/** Operands: 0 out, 1 a, 2 b. The batch layout lists a, b, out (offsets o0, o1, o2). */
export function matmulShader(bindings: Bindings, batchRank: number, accumulate: boolean): ShaderParts {
  const batchBase = FIRST_PARAM + MATMUL_WORDS.length;
  return {
    workgroupSize: MATMUL_WORKGROUP,
    body: `
  let M = pi(${word('M')});
  let N = pi(${word('N')});
  let K = pi(${word('K')});
  let blocksN = pu(${word('blocksN')});
  let blocks = pu(${word('blocksM')}) * blocksN;
  let t = group * ${MATMUL_WORKGROUP}u + lid;
  // The last workgroup may run past the last block of the last batch.
  if (t >= pu(${word('blocksTotal')})) { return; }
  let batch = t / blocks;
  let within = t % blocks;
  let m0 = i32(within / blocksN) * ${MATMUL_BLOCK};
  let n0 = i32(within % blocksN) * ${MATMUL_BLOCK};
  let sAM = pi(${word('strideAM')});
  let sAK = pi(${word('strideAK')});
  let sBK = pi(${word('strideBK')});
  let sBN = pi(${word('strideBN')});
  let sCM = pi(${word('strideCM')});
  let sCN = pi(${word('strideCN')});
${offsetCode(batchRank, 3, batchBase, 'batch')}
${range(MATMUL_BLOCK)
  .map((r) => `  let rowA${r} = o0 + min(m0 + ${r}, M - 1) * sAM;`)
  .join('\n')}
${range(MATMUL_BLOCK)
  .map((c) => `  let colB${c} = o1 + min(n0 + ${c}, N - 1) * sBN;`)
  .join('\n')}
${range(MATMUL_BLOCK * MATMUL_BLOCK)
  .map((q) => `  var acc${q} = 0.0;`)
  .join('\n')}
  var k = 0;
  for (; k + ${UNROLL - 1} < K; k += ${UNROLL}) {
${range(UNROLL)
  .map((u) => kStep(`k + ${u}`, bindings, '    '))
  .join('\n')}
  }
  for (; k < K; k++) {
${kStep('k', bindings, '    ')}
  }
${range(MATMUL_BLOCK * MATMUL_BLOCK)
  .map((q) => storeOne(q, bindings, accumulate))
  .join('\n')}`,
  };
}
