// matmul: out[…, M, N] (+)= op(A)[…, M, K] · op(B)[…, K, N] on float32 strided views. Transposes
// are stride swaps; batch dims (broadcast ones have stride 0) are merged and walked per block, so
// one dispatch covers every batch: blocksM·blocksN·batches invocations of an 8×8 output block.

import { matmulDims, sizeOf, type MatmulOptions } from '@recur/backend';
import { coversBuffer, expectDType, viewHandle, type GpuView } from './check.js';
import type { KernelContext } from './kernel-context.js';
import { MATMUL_BLOCK, MATMUL_WORKGROUP, matmulShader } from './matmul-wgsl.js';
import { layoutWords, mergedLayout, padRank } from './strided-layout.js';

export function matmul(context: KernelContext, a: GpuView, b: GpuView, out: GpuView, options: MatmulOptions = {}): void {
  const outHandle = viewHandle(context.memory, 'matmul', 'out', out);
  const aHandle = viewHandle(context.memory, 'matmul', 'a', a);
  const bHandle = viewHandle(context.memory, 'matmul', 'b', b);
  for (const [name, view] of [
    ['a', a],
    ['b', b],
    ['out', out],
  ] as const)
    expectDType('matmul', name, view.dtype, ['float32']);
  const { M, N, K, batchShape, rowAxisA, kAxisA, kAxisB, colAxisB } = matmulDims(a, b, out, options);
  const rank = out.shape.length;
  const batches = sizeOf(batchShape);
  if (batches === 0 || M === 0 || N === 0) return;

  // Batch ranks 1 and 2 share one shader: the matmul kernel is the costliest to compile.
  const batch = padRank(
    mergedLayout(
      batchShape,
      [a, b, out].map((view) => view.strides.slice(0, rank - 2)),
      [a.offset, b.offset, out.offset],
    ),
    2,
  );
  const blocksM = Math.ceil(M / MATMUL_BLOCK);
  const blocksN = Math.ceil(N / MATMUL_BLOCK);
  const blocksTotal = blocksM * blocksN * batches;
  const accumulate = options.accumulate ?? false;
  const batchRank = batch.shape.length;
  context.run({
    key: `matmul8:b${batchRank}:${accumulate ? 'acc' : 'set'}`,
    operands: [
      { handle: outHandle, access: 'read_write', overwrite: !accumulate && coversBuffer(out) },
      { handle: aHandle, access: 'read' },
      { handle: bHandle, access: 'read' },
    ],
    shader: (bindings) => matmulShader(bindings, batchRank, accumulate),
    params: [
      M,
      N,
      K,
      blocksM,
      blocksN,
      blocksTotal,
      a.strides[rowAxisA]!,
      a.strides[kAxisA]!,
      b.strides[kAxisB]!,
      b.strides[colAxisB]!,
      out.strides[rank - 2]!,
      out.strides[rank - 1]!,
      ...layoutWords(batch),
    ],
    groups: Math.ceil(blocksTotal / MATMUL_WORKGROUP),
  });
}
