// The CPU's whole-sequence LSTM / GRU op (fused.recurrentSequence and its backward) at batch 1
// (online models, streaming steps): the rows are staged into wasm memory once and one wasm call
// walks every step (wasm-sequence-kernel.ts) on W_hh's packed strips, shared with matmul's
// packed-weight cache. The arithmetic is the per-step path's, call for call, so results are
// bitwise equal; other shapes are declined (false) and take that path. A large LSTM walk steps in
// TypeScript instead, each step's h·W_hhᵀ split over the threads when that pays (wasm-gemv-threads.ts).
// T steps, H hidden, G gates.

import {
  ShapeError,
  fmtShape,
  type FusedKernels,
  type RecurrentSequenceArgs,
  type RecurrentSequenceCell,
  type RecurrentSequenceGradArgs,
  type View,
} from '@recur/backend';
import { expectDType, inputArray, viewArray, type KernelContext } from './check.js';
import { residentOffset, type CpuBuffer } from './memory.js';
import type { PackedCache } from './packed-cache.js';
import { NR } from './wasm-gemm-kernel.js';
import { kBlock, NC } from './wasm-gemm.js';
import { THREAD_WORK } from './wasm-gemm-threads.js';
import { GEMV_SCRATCH, gemv, gemvPool } from './wasm-gemv-threads.js';
import { STAGE_FLOATS, packBlock } from './wasm-pack.js';
import type { WasmRuntime } from './wasm-runtime.js';
import type { SequenceExports } from './wasm-sequence-kernel.js';

type Cpu = View<CpuBuffer>;
type Kernels = Required<Pick<FusedKernels<CpuBuffer>, 'recurrentSequence' | 'recurrentSequenceBackward'>>;

const GATES: Partial<Record<RecurrentSequenceCell, number>> = { lstm: 4, gru: 3 };
// matmul.ts's one-row products run on the wasm GEMV from this many multiply-adds (wasm-gemm.ts).
const VECTOR_WORK = 1024;

/**
 * The walk's size when this op takes it: batch 1 at every step, H a multiple of the GEMV strip
 * width, and products that matmul runs on the wasm GEMV on this thread (not the TypeScript GEMM
 * of tiny products, not the threads' split of huge ones), so each step's arithmetic is the very
 * calls the per-step path makes; otherwise null.
 */
function walkSize(
  cell: RecurrentSequenceCell,
  batchSizes: Int32Array,
  weightHh: Cpu,
): { steps: number; hidden: number; gates: number } | null {
  const gateCount = GATES[cell];
  if (gateCount === undefined || batchSizes.length === 0 || weightHh.shape.length !== 2) return null;
  for (const size of batchSizes) if (size !== 1) return null;
  const hidden = weightHh.shape[1]!;
  const width = gateCount * hidden;
  if (weightHh.shape[0] !== width) {
    throw new ShapeError(`recurrentSequence: weightHh must be [${gateCount}·H, H] for ${cell}; got ${fmtShape(weightHh.shape)}`);
  }
  const work = width * hidden;
  if (hidden === 0 || hidden % NR !== 0 || work < VECTOR_WORK || work >= THREAD_WORK) return null;
  return { steps: batchSizes.length, hidden, gates: gateCount };
}

/**
 * Rows × cols of a 2-D view ↔ heap floats from `at`, `pitch` floats apart (`into`: view → heap);
 * one run when both sides are dense. A resident view's floats lie in `heap` itself: copyWithin
 * moves them without the clone TypedArray.set makes of a source sharing its target's buffer.
 */
function move(
  context: KernelContext,
  into: boolean,
  heap: Float32Array,
  at: number,
  pitch: number,
  view: Cpu,
  name: string,
  cols: number,
): void {
  const rows = view.shape[0]!;
  if (view.shape.length !== 2 || view.shape[1] !== cols) {
    throw new ShapeError(`recurrentSequence: ${name} must be [${rows}, ${cols}]; got ${fmtShape(view.shape)}`);
  }
  expectDType('recurrentSequence', name, view.dtype, ['float32']);
  const data = (into ? inputArray : viewArray)(context, 'recurrentSequence', name, view) as Float32Array;
  const [rowStride, colStride] = [view.strides[0]!, view.strides[1]!];
  const resident = residentOffset(view.buffer);
  const base = resident === null ? -1 : resident / 4;
  const dense = colStride === 1 && (rows === 1 || (rowStride === cols && pitch === cols));
  const [runs, length] = dense ? [1, rows * cols] : [rows, cols];
  for (let r = 0; r < runs; r++) {
    const source = view.offset + r * rowStride;
    const target = at + r * pitch;
    if (colStride === 1 && base >= 0) {
      if (into) heap.copyWithin(target, base + source, base + source + length);
      else heap.copyWithin(base + source, target, target + length);
    } else if (colStride === 1) {
      if (into) heap.set(data.subarray(source, source + length), target);
      else data.set(heap.subarray(target, target + length), source);
    } else if (into) {
      for (let j = 0; j < cols; j++) heap[target + j] = data[source + j * colStride]!;
    } else {
      for (let j = 0; j < cols; j++) data[source + j * colStride] = heap[target + j]!;
    }
  }
}

/**
 * The S state views [N, H] ↔ heap rows [N, S·H] from `at`: as one block when they are the
 * columns of one dense [N, S·H] buffer (as the scan driver lays them out), else view by view.
 */
function moveStates(
  context: KernelContext,
  into: boolean,
  heap: Float32Array,
  at: number,
  views: readonly Cpu[],
  hidden: number,
  name: string,
): void {
  const width = views.length * hidden;
  const first = views[0]!;
  const block = views.every(
    (v, j) =>
      v.buffer === first.buffer &&
      v.offset === first.offset + j * hidden &&
      v.strides[0] === width &&
      v.strides[1] === 1 &&
      v.shape[1] === hidden,
  );
  if (block && first.shape.length === 2) move(context, into, heap, at, width, { ...first, shape: [first.shape[0]!, width] }, name, width);
  else views.forEach((view, j) => move(context, into, heap, at + j * hidden, width, view, `${name}[${j}]`, hidden));
}

/** Float offsets handed out one after another (all multiples of 4, so v128 rows stay aligned). */
class Layout {
  size: number;
  constructor(base = 0) {
    this.size = base;
  }
  take(floats: number): number {
    const at = this.size;
    this.size += Math.ceil(floats / 4) * 4;
    return at;
  }
}

/**
 * Scratch for `floats` floats (its float index `base`) and W_hh's GEMV strips (`packed`): from
 * the packed-weight cache (matmul.ts's key for the same operand, so the per-step path's panel is
 * reused) or, when it misses, packed after the scratch. `stage` is packing's staging room inside
 * the scratch. `transposed`: W_hhᵀ (K = H, N = G·H, the forward); else W_hh (K = G·H, N = H).
 * Null when memory cannot hold them. Take the runtime's view afterwards.
 */
function prepare(
  runtime: WasmRuntime,
  cache: PackedCache,
  w: Cpu,
  data: Float32Array,
  transposed: boolean,
  floats: number,
  stage: number,
): { base: number; packed: number } | null {
  const [rows, cols] = [w.shape[0]!, w.shape[1]!];
  const [N, K] = transposed ? [rows, cols] : [cols, rows];
  const [strideN, strideK] = transposed ? [w.strides[0]!, w.strides[1]!] : [w.strides[1]!, w.strides[0]!];
  const kcMax = kBlock(K);
  let base = runtime.scratch(floats);
  if (base === null) return null;
  // matmul's packAll: per column block of NC, per k block, one panel of NR-column strips. Only
  // run when the cache misses, so a resident panel costs one lookup per walk.
  const pack = (heap: Float32Array, at: number) => {
    const lines = new Int32Array(N);
    for (let n = 0; n < N; n++) lines[n] = w.offset + n * strideN;
    const operand = { source: data, lines, strideK };
    for (let jc = 0; jc < N; jc += NC) {
      const nc = Math.min(NC, N - jc);
      for (let pc = 0; pc < K; pc += kcMax)
        packBlock(runtime, heap, at + jc * K + nc * pc, base! + stage, operand, jc, nc, pc, Math.min(kcMax, K - pc), NR);
    }
  };
  const cached = cache.find(runtime, w.buffer, `${w.offset}|${strideN}|${strideK}|${N}|${K}`, N * K, pack);
  if (cached !== null) return { base, packed: cached };
  base = runtime.scratch(floats + N * K);
  if (base === null) return null;
  pack(runtime.view, base + floats);
  return { base, packed: base + floats };
}

export function fusedSequence(context: KernelContext, cache: () => PackedCache): Kernels {
  return {
    recurrentSequence(args: RecurrentSequenceArgs<CpuBuffer>): boolean {
      const runtime = context.wasm();
      const size = runtime && walkSize(args.cell, args.batchSizes, args.weightHh);
      if (!runtime || !size) return false;
      const { steps: T, hidden: H, gates: G } = size;
      const lstm = args.cell === 'lstm';
      const states = lstm ? 2 : 1;
      // Scratch positions from `base`: planned once for the size, again where the room is.
      const plan = (base: number) => {
        const layout = new Layout(base);
        const atGates = layout.take(T * G * H);
        const atRecurrent = lstm ? 0 : layout.take(T * G * H);
        const atY = layout.take(T * states * H);
        const atAct = layout.take((args.activations ? T : 1) * G * H);
        const atInitial = layout.take(states * H);
        const atStage = layout.take(STAGE_FLOATS);
        const atSums = layout.take(GEMV_SCRATCH);
        return { atGates, atRecurrent, atY, atAct, atInitial, atStage, atSums, floats: layout.size - base };
      };
      const { floats, atStage } = plan(0);
      const w = inputArray(context, 'recurrentSequence', 'weightHh', args.weightHh) as Float32Array;
      const room = prepare(runtime, cache(), args.weightHh, w, true, floats, atStage);
      if (!room) return false;
      const { atGates, atRecurrent, atY, atAct, atInitial, atSums } = plan(room.base);
      const packed = room.packed;
      const heap = runtime.view;
      move(context, true, heap, atGates, G * H, args.gates, 'gates', G * H);
      args.initial.forEach((view, j) => move(context, true, heap, atInitial + j * H, H, view, `initial[${j}]`, H));
      if (!lstm) {
        // Every row starts as b_hh (or 0), as the per-step path's recurrent rows do.
        const bias = args.biasHh;
        if (bias)
          move(
            context,
            true,
            heap,
            atRecurrent,
            G * H,
            { ...bias, shape: [1, G * H], strides: [G * H, bias.strides[0]!] },
            'biasHh',
            G * H,
          );
        else heap.fill(0, atRecurrent, atRecurrent + G * H);
        for (let t = 1; t < T; t++) heap.copyWithin(atRecurrent + t * G * H, atRecurrent, atRecurrent + G * H);
      }
      // Rows are time steps (batch 1); a reverse walk starts at the last and steps back.
      const first = args.reverse ? T - 1 : 0;
      const direction = args.reverse ? -1 : 1;
      const gateRow = (at: number) => (at + first * G * H) * 4;
      const yRow = atY + first * states * H;
      const actAt = args.activations ? gateRow(atAct) : atAct * 4;
      const actStep = args.activations ? direction * G * H * 4 : 0;
      const kernels = runtime.kernels as unknown as SequenceExports;
      const walk = [T, H, direction * G * H * 4, direction * states * H * 4, actStep, kBlock(H), NC, atSums * 4];
      const pool = lstm ? gemvPool(context.pool(), runtime, G * H * H) : null;
      if (pool) {
        // lstmSequence's steps, with each step's h_{t−1}·W_hhᵀ split over the threads.
        let [h, c, y, gates, act] = [atInitial, atInitial + H, yRow, gateRow(atGates) / 4, actAt];
        for (let t = 0; t < T; t++) {
          const job = { a: h, packed, c: gates, n: G * H, k: H, kcMax: kBlock(H), scratch: atSums, accumulate: true };
          gemv(pool, job, () => kernels.gemvProduct(h * 4, packed * 4, gates * 4, G * H, H, job.kcMax, NC, atSums * 4, 1));
          runtime.kernels.lstmForward(gates * 4, c * 4, y * 4, (y + H) * 4, act, 1, H);
          [h, c] = [y, y + H];
          y += direction * states * H;
          gates += direction * G * H;
          act += actStep;
        }
      } else if (lstm) kernels.lstmSequence(gateRow(atGates), packed * 4, atInitial * 4, (atInitial + H) * 4, yRow * 4, actAt, ...walk);
      else kernels.gruSequence(gateRow(atGates), gateRow(atRecurrent), packed * 4, atInitial * 4, yRow * 4, actAt, ...walk);
      moveStates(context, false, heap, atY, args.states, H, 'states');
      if (args.recurrent) move(context, false, heap, atRecurrent, G * H, args.recurrent, 'recurrent', G * H);
      if (args.activations) move(context, false, heap, atAct, G * H, args.activations, 'activations', G * H);
      return true;
    },

    recurrentSequenceBackward(args: RecurrentSequenceGradArgs<CpuBuffer>): boolean {
      const runtime = context.wasm();
      const size = runtime && args.activations && walkSize(args.cell, args.batchSizes, args.weightHh);
      if (!runtime || !size || !args.activations) return false;
      const { steps: T, hidden: H, gates: G } = size;
      const lstm = args.cell === 'lstm';
      const states = lstm ? 2 : 1;
      const plan = (base: number) => {
        const layout = new Layout(base);
        const atAct = layout.take(T * G * H);
        const atRecurrent = lstm ? 0 : layout.take(T * G * H);
        const atY = layout.take(T * states * H);
        const atDy = layout.take(T * states * H);
        const atDGates = layout.take(T * G * H);
        const atDRecurrent = lstm ? 0 : layout.take(T * G * H);
        const atInitial = layout.take(states * H);
        const atCarried = layout.take(states * H);
        const atDirect = layout.take(H);
        const atDInitial = layout.take(states * H);
        const atStage = layout.take(STAGE_FLOATS);
        const atSums = layout.take(NC);
        const at = { atAct, atRecurrent, atY, atDy, atDGates, atDRecurrent, atInitial, atCarried, atDirect, atDInitial, atSums };
        return { ...at, atStage, floats: layout.size - base };
      };
      const { floats, atStage } = plan(0);
      const w = inputArray(context, 'recurrentSequenceBackward', 'weightHh', args.weightHh) as Float32Array;
      const room = prepare(runtime, cache(), args.weightHh, w, false, floats, atStage);
      if (!room) return false;
      const { atAct, atRecurrent, atY, atDy, atDGates, atDRecurrent, atInitial, atCarried, atDirect, atDInitial, atSums } = plan(room.base);
      const packed = room.packed;
      const heap = runtime.view;
      move(context, true, heap, atAct, G * H, args.activations, 'activations', G * H);
      if (!lstm) move(context, true, heap, atRecurrent, G * H, args.recurrent!, 'recurrent', G * H);
      moveStates(context, true, heap, atY, args.states, H, 'states');
      moveStates(context, true, heap, atDy, args.dStates, H, 'dStates');
      args.initial.forEach((view, j) => move(context, true, heap, atInitial + j * H, H, view, `initial[${j}]`, H));
      // The backward starts at the step run last forward, carrying its output gradients.
      const last = args.reverse ? 0 : T - 1;
      const direction = args.reverse ? 1 : -1;
      heap.copyWithin(atCarried, atDy + last * states * H, atDy + (last + 1) * states * H);
      const gateRow = (at: number) => (at + last * G * H) * 4;
      const yRow = (at: number) => (at + last * states * H) * 4;
      const gateStep = direction * G * H * 4;
      const yStep = direction * states * H * 4;
      const kernels = runtime.kernels as unknown as SequenceExports;
      if (lstm) {
        kernels.lstmSequenceBackward(
          ...[gateRow(atAct), yRow(atY), (atInitial + H) * 4, yRow(atDy), gateRow(atDGates), packed * 4],
          ...[atCarried * 4, (atCarried + H) * 4, atDirect * 4, atDInitial * 4, (atDInitial + H) * 4],
          ...[T, H, gateStep, yStep, yStep, gateStep, kBlock(G * H), NC, atSums * 4],
        );
      } else {
        kernels.gruSequenceBackward(
          ...[gateRow(atAct), gateRow(atRecurrent), yRow(atY), atInitial * 4, yRow(atDy), gateRow(atDGates), gateRow(atDRecurrent)],
          ...[packed * 4, atCarried * 4, atDirect * 4, atDInitial * 4, T, H, gateStep, yStep, kBlock(G * H), NC, atSums * 4],
        );
      }
      move(context, false, heap, atDGates, G * H, args.dGates, 'dGates', G * H);
      if (args.dRecurrent) move(context, false, heap, atDRecurrent, G * H, args.dRecurrent, 'dRecurrent', G * H);
      args.dInitial.forEach((view, j) => move(context, false, heap, atDInitial + j * H, H, view, `dInitial[${j}]`, H));
      return true;
    },
  };
}
