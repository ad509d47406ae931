// Batched matmul: out[..., M, N] (+)= op(A)[..., M, K] · op(B)[..., K, N] over float32 strided
// views whose batch dims are already broadcast (stride 0 allowed). Batches fold into M when B is
// shared by all of them (into N when A is), so a [batch, T, K] · [K, N] product is one GEMM.
// A B shared by the whole product (a weight) is offered to the packed-weight cache; operands that
// live in the wasm memory (memory.ts) are handed over by address, so the kernels skip staging them.

import { matmulDims, sizeOf, type MatmulOptions, type View } from '@recur/backend';
import { expectDType, inputArray, viewArray, type KernelContext } from './check.js';
import { gemm, type GemmProblem } from './gemm.js';
import { residentBytes, residentOffset, type CpuBuffer } from './memory.js';
import { PACKED_BUDGET_FLOATS, PackedCache, type PackInto } from './packed-cache.js';
import type { WasmRuntime } from './wasm-runtime.js';
import { forEachRun } from './strided.js';
import { wasmGemmThreaded } from './wasm-gemm-threads.js';

type CpuView = View<CpuBuffer>;

/** Element offsets of every batch of each operand, in row-major batch order. */
function batchOffsets(batchShape: readonly number[], views: readonly CpuView[]): Float64Array[] {
  const count = sizeOf(batchShape);
  const offsets = views.map(() => new Float64Array(count));
  if (batchShape.length === 0) {
    views.forEach((view, k) => (offsets[k]![0] = view.offset));
    return offsets;
  }
  const rank = batchShape.length;
  const layout = { shape: [...batchShape, 1], strides: views.map((view) => [...view.strides.slice(0, rank), 0]) };
  let batch = 0;
  forEachRun(
    layout,
    views.map((view) => view.offset),
    (pointers) => {
      for (let k = 0; k < views.length; k++) offsets[k]![batch] = pointers[k]!;
      batch++;
    },
  );
  return offsets;
}

/** True when every batch starts at the same element (the operand is broadcast over the batch). */
function allSame(offsets: Float64Array): boolean {
  for (let i = 1; i < offsets.length; i++) if (offsets[i] !== offsets[0]) return false;
  return true;
}

/** Offset tables, reused between calls and grown on demand. */
class Tables {
  #data = new Int32Array(0);

  take(rows: number, cols: number): [Int32Array, Int32Array, Int32Array, Int32Array] {
    const need = 2 * rows + 2 * cols;
    if (this.#data.length < need) this.#data = new Int32Array(need);
    const data = this.#data;
    return [
      data.subarray(0, rows),
      data.subarray(rows, 2 * rows),
      data.subarray(2 * rows, 2 * rows + cols),
      data.subarray(2 * rows + cols, need),
    ];
  }
}

export class Matmul {
  readonly #tables = new Tables();
  readonly #packedBudget: number;
  #cache: PackedCache | undefined;

  /** `packedBudget`: floats the packed-weight cache may keep (0 turns it off). */
  constructor(packedBudget = PACKED_BUDGET_FLOATS) {
    this.#packedBudget = packedBudget;
  }

  /** The packed-weight cache of this backend instance (made on first use). */
  cache(context: KernelContext): PackedCache {
    return (this.#cache ??= new PackedCache(context.memory, this.#packedBudget));
  }

  run(context: KernelContext, a: CpuView, b: CpuView, out: CpuView, options: MatmulOptions = {}): void {
    // A and B are only read: their buffers keep their versions (and B its packed form) unless
    // `out` shares a buffer with them, whose access counts as the write it is.
    const arrayC = viewArray(context, 'matmul', 'out', out) as Float32Array;
    const arrayA = inputArray(context, 'matmul', 'a', a) as Float32Array;
    const arrayB = inputArray(context, 'matmul', 'b', b) as Float32Array;
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
    // The wasm SIMD kernel where the instance has one (on its worker threads too, when it has
    // them and the product is large), otherwise gemm.ts.
    const runtime = context.wasm();
    const pool = context.pool();
    const product = runtime ? (problem: GemmProblem) => wasmGemmThreaded(runtime, pool, problem) : gemm;

    const strideAM = a.strides[rowAxisA]!;
    const strideBN = b.strides[colAxisB]!;
    const strideCM = out.strides[rank - 2]!;
    const strideCN = out.strides[rank - 1]!;
    const [offA, offB, offC] = batchOffsets(batchShape, [a, b, out]) as [Float64Array, Float64Array, Float64Array];
    const foldRows = allSame(offB);
    const foldCols = !foldRows && allSame(offA);
    const rows = foldRows ? batches * M : M;
    const cols = foldCols ? batches * N : N;
    const [rowA, rowC, colB, colC] = this.#tables.take(rows, cols);
    // B's columns are evenly spaced only when it is shared by every batch (folded rows).
    let packedB: GemmProblem['packedB'];
    if (runtime && foldRows && b.buffer !== out.buffer) {
      // With the cache off the problem still says "B is a weight", so the kernels (and the
      // results) are the same with and without it; only the packing is repeated.
      const cache = this.#packedBudget > 0 ? this.cache(context) : null;
      const key = `${offB[0]}|${strideBN}|${b.strides[kAxisB]}|${N}|${K}`;
      packedB = (wasm: WasmRuntime, floats: number, pack: PackInto) => cache && cache.find(wasm, b.buffer, key, floats, pack);
    }
    // Operands in the runtime's memory run in place; C only when it shares no buffer with A or B.
    const separate = out.buffer !== a.buffer && out.buffer !== b.buffer;
    const resident = runtime
      ? {
          a: residentOffset(a.buffer),
          b: residentOffset(b.buffer),
          c: separate ? residentOffset(out.buffer) : null,
          cSize: out.buffer.size,
          cFloats: residentBytes(out.buffer) / 4,
        }
      : undefined;
    const problem: GemmProblem = {
      packedB,
      resident,
      M: rows,
      N: cols,
      K,
      a: arrayA,
      b: arrayB,
      c: arrayC,
      rowA,
      rowC,
      colB,
      colC,
      strideAK: a.strides[kAxisA]!,
      strideBK: b.strides[kAxisB]!,
      accumulate: options.accumulate ?? false,
    };
    const fillRows = (batch: number, first: number): void => {
      for (let i = 0; i < M; i++) {
        rowA[first + i] = offA[batch]! + i * strideAM;
        rowC[first + i] = offC[batch]! + i * strideCM;
      }
    };
    const fillCols = (batch: number, first: number, base: number): void => {
      for (let j = 0; j < N; j++) {
        colB[first + j] = offB[batch]! + j * strideBN;
        colC[first + j] = base + j * strideCN;
      }
    };
    if (foldRows) {
      for (let batch = 0; batch < batches; batch++) fillRows(batch, batch * M);
      fillCols(0, 0, 0);
      product(problem);
    } else if (foldCols) {
      // rowC holds only the row part; each batch's output offset rides on its columns.
      for (let i = 0; i < M; i++) {
        rowA[i] = offA[0]! + i * strideAM;
        rowC[i] = i * strideCM;
      }
      for (let batch = 0; batch < batches; batch++) fillCols(batch, batch * N, offC[batch]!);
      product(problem);
    } else {
      for (let batch = 0; batch < batches; batch++) {
        fillRows(batch, 0);
        fillCols(batch, 0, 0);
        product(problem);
      }
    }
  }
}
