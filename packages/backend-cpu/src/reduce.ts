// Reductions over a set of axes: sum, prod, max, min, and argmax/argmin over one axis. Dims split
// into kept (K, out's non-unit dims) and reduced (R); the loop order follows x's memory layout.
// Accumulation is in float64 (JS numbers); the out store rounds (float32) or wraps (int32).

import {
  ShapeError,
  ValueError,
  fmtShape,
  REDUCE_DTYPES,
  reducedAxes,
  sizeOf,
  splitReduceAxes,
  type DType,
  type ReduceOp,
  type View,
} from '@recur/backend';
import { expectDType, inputArray, viewArray, type KernelContext } from './check.js';
import { buildFunction } from './codegen.js';
import type { CpuBuffer } from './memory.js';
import { reduceMath, type AccumulateOp } from './op-closures.js';
import { forEachRun, layoutOf, type Layout } from './strided.js';

type CpuView = View<CpuBuffer>;
type Data = Float32Array | Int32Array | Uint8Array | Float64Array;
/** Folds a strided run of x into `acc` and returns it. */
type FoldRun = (x: Data, p: number, n: number, step: number, acc: number) => number;
/** Folds a strided run of x elementwise into the contiguous run acc[q .. q+n). */
type AccumulateRun = (acc: Float64Array, q: number, x: Data, p: number, n: number, step: number) => void;

// int32 and bool have no infinities: their extremes are the identities of max and min.
const IDENTITY: Record<AccumulateOp, Record<DType, number>> = {
  sum: { float32: 0, int32: 0, bool: 0 },
  prod: { float32: 1, int32: 1, bool: 1 },
  max: { float32: -Infinity, int32: -2147483648, bool: 0 },
  min: { float32: Infinity, int32: 2147483647, bool: 1 },
};

function foldRun(op: AccumulateOp, dtype: DType, codegen: boolean): FoldRun {
  const math = reduceMath(op, dtype);
  const body = `for (let j = 0; j < n; j++, p += step) { const x = data[p]; acc = (${math.js}); } return acc;`;
  const closure = (): FoldRun => (data, p, n, step, acc) => {
    for (let j = 0; j < n; j++, p += step) acc = math.fn(acc, data[p]!);
    return acc;
  };
  return buildFunction(`fold:${math.js}:${dtype}`, ['data', 'p', 'n', 'step', 'acc'], () => body, closure, codegen);
}

function accumulateRun(op: AccumulateOp, dtype: DType, codegen: boolean): AccumulateRun {
  const math = reduceMath(op, dtype);
  const body = `for (let j = 0; j < n; j++, p += step) { const x = data[p], acc = sums[q + j]; sums[q + j] = (${math.js}); }`;
  const closure = (): AccumulateRun => (sums, q, data, p, n, step) => {
    for (let j = 0; j < n; j++, p += step) sums[q + j] = math.fn(sums[q + j]!, data[p]!);
  };
  return buildFunction(`accumulate:${math.js}:${dtype}`, ['sums', 'q', 'data', 'p', 'n', 'step'], () => body, closure, codegen);
}

/** Offsets of every run start of `layout` (operand 0), relative to its first element. */
function runStarts(layout: Layout): Float64Array {
  const last = layout.shape.length - 1;
  const starts = new Float64Array(sizeOf(layout.shape) / Math.max(1, layout.shape[last]!));
  let r = 0;
  forEachRun({ shape: layout.shape, strides: [layout.strides[0]!] }, [0], (pointers) => {
    starts[r++] = pointers[0]!;
  });
  return starts;
}

function innerStep(layout: Layout, operand: number): number {
  return layout.strides[operand]![layout.shape.length - 1]!;
}

export function reduce(context: KernelContext, op: ReduceOp, x: CpuView, axes: readonly number[], out: CpuView): void {
  const name = `reduce(${op})`;
  const allowed = REDUCE_DTYPES[op];
  if (allowed === undefined) throw new ValueError(`reduce: unknown op '${String(op)}'`);
  const target = viewArray(context, name, 'out', out);
  const source = inputArray(context, name, 'x', x) as Data;
  expectDType(name, 'x', x.dtype, allowed);
  const reduced = reducedAxes(name, x.shape, axes, out.shape);
  if (op === 'argmax' || op === 'argmin') {
    if (axes.length !== 1) throw new ValueError(`${name}: takes exactly one axis, got ${fmtShape(axes)}`);
    expectDType(name, 'out', out.dtype, ['int32']);
    argReduce(op === 'argmax', source, x, axes[0]!, target as Int32Array, out);
    return;
  }
  expectDType(name, 'out', out.dtype, [x.dtype]);
  if (sizeOf(out.shape) === 0) return;

  const { keptShape, keptX, keptOut, reducedShape, reducedX } = splitReduceAxes(x, out.strides, reduced);
  const identity = IDENTITY[op][x.dtype];
  const kept = layoutOf(keptShape, [keptX, keptOut]);
  const nK = kept.shape[kept.shape.length - 1]!;
  const stepOut = innerStep(kept, 1);
  if (sizeOf(reducedShape) === 0) {
    forEachRun(kept, [x.offset, out.offset], (pointers) => {
      for (let j = 0, p = pointers[1]!; j < nK; j++, p += stepOut) target[p] = identity;
    });
    return;
  }
  const rest = layoutOf(reducedShape, [reducedX]);
  const restStarts = runStarts(rest);
  const nR = rest.shape[rest.shape.length - 1]!;
  const stepR = innerStep(rest, 0);
  const stepKX = innerStep(kept, 0);

  // Walk x along its smallest stride: per output when a reduced dim is innermost in memory,
  // otherwise one pass per reduced element that sweeps all outputs into a float64 scratch.
  if (sizeOf(keptShape) === 1 || nK === 1 || Math.abs(stepR) <= Math.abs(stepKX)) {
    const fold = foldRun(op, x.dtype, context.codegen);
    forEachRun(kept, [x.offset, out.offset], (pointers) => {
      for (let j = 0, px = pointers[0]!, po = pointers[1]!; j < nK; j++, px += stepKX, po += stepOut) {
        let acc = identity;
        for (let r = 0; r < restStarts.length; r++) acc = fold(source, px + restStarts[r]!, nR, stepR, acc);
        target[po] = acc;
      }
    });
    return;
  }
  const accumulate = accumulateRun(op, x.dtype, context.codegen);
  const sums = new Float64Array(sizeOf(keptShape)).fill(identity);
  const keptStarts = runStarts(kept);
  for (let r = 0; r < restStarts.length; r++) {
    for (let j = 0, base = x.offset + restStarts[r]!; j < nR; j++, base += stepR) {
      for (let k = 0; k < keptStarts.length; k++) accumulate(sums, k * nK, source, base + keptStarts[k]!, nK, stepKX);
    }
  }
  let q = 0;
  forEachRun(kept, [x.offset, out.offset], (pointers) => {
    for (let j = 0, po = pointers[1]!; j < nK; j++, po += stepOut) target[po] = sums[q++]!;
  });
}

/** First index of the extreme along `axis`; a NaN is the extreme, as in PyTorch. */
function argReduce(isMax: boolean, source: Data, x: CpuView, axis: number, target: Int32Array, out: CpuView): void {
  const name = isMax ? 'reduce(argmax)' : 'reduce(argmin)';
  if (sizeOf(out.shape) === 0) return;
  const n = x.shape[axis]!;
  if (n === 0) throw new ShapeError(`${name}: cannot reduce the empty axis ${axis} of x ${fmtShape(x.shape)}`);
  const step = x.strides[axis]!;
  const others = x.shape.map((_, d) => d).filter((d) => d !== axis);
  const kept = layoutOf(
    others.map((d) => x.shape[d]!),
    [others.map((d) => x.strides[d]!), others.map((d) => out.strides[d]!)],
  );
  const nK = kept.shape[kept.shape.length - 1]!;
  const stepX = innerStep(kept, 0);
  const stepOut = innerStep(kept, 1);
  forEachRun(kept, [x.offset, out.offset], (pointers) => {
    for (let k = 0, px = pointers[0]!, po = pointers[1]!; k < nK; k++, px += stepX, po += stepOut) {
      let best = source[px]!;
      let index = 0;
      if (best === best) {
        for (let j = 1, p = px + step; j < n; j++, p += step) {
          const value = source[p]!;
          if (value !== value) {
            index = j;
            break;
          }
          if (isMax ? value > best : value < best) {
            best = value;
            index = j;
          }
        }
      }
      target[po] = index;
    }
  });
}
