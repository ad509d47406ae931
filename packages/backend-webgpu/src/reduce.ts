// reduce: sum/prod/max/min over any axes and argmax/argmin over one axis. Dims split into kept
// (K outputs) and reduced (R inputs per output), each merged with coalesceDims; short reductions
// run one invocation per output, long ones (R ≥ 64) one workgroup per output, except column-like
// sums with many outputs (see THREAD_MODE_OUTPUTS).

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
} from '@recur/backend';
import { coversBuffer, expectDType, viewHandle, type GpuView } from './check.js';
import type { KernelContext } from './kernel-context.js';
import { REDUCE_WORKGROUP, reduceShader } from './reduce-wgsl.js';
import { layoutWords, mergedLayout } from './strided-layout.js';
import { f32Bits } from './wgsl-prelude.js';

// int32 and bool have no infinities: their extremes are the identities of max and min.
const IDENTITY: Record<ReduceOp, Record<DType, number>> = {
  sum: { float32: 0, int32: 0, bool: 0 },
  prod: { float32: 1, int32: 1, bool: 1 },
  max: { float32: -Infinity, int32: -2147483648, bool: 0 },
  min: { float32: Infinity, int32: 2147483647, bool: 1 },
  argmax: { float32: 0, int32: 0, bool: 0 },
  argmin: { float32: 0, int32: 0, bool: 0 },
};

/** The identity as the 32-bit word the shader reinterprets in x's type. */
function identityWord(op: ReduceOp, dtype: DType): number {
  const value = IDENTITY[op][dtype];
  return dtype === 'float32' ? f32Bits(value) : value >>> 0;
}

/** From this many inputs per output a workgroup shares each output… */
const WORKGROUP_MODE_FROM = 64;
/**
 * …unless there are this many outputs and neighbouring outputs read neighbouring inputs (a
 * column sum such as a bias gradient over [N, H]): one invocation per output then already fills
 * the device, its loads are coalesced across invocations, and it skips the tree's barriers (each
 * one a coroutine switch per workgroup on SwiftShader, where this made such sums several × faster).
 */
const THREAD_MODE_OUTPUTS = 512;

/** Whether x's innermost kept stride is below its innermost reduced stride (outputs interleave in memory). */
function coalescedOutputs(keptStrides: readonly number[], reducedStrides: readonly number[]): boolean {
  const kept = Math.abs(keptStrides[keptStrides.length - 1]!);
  const reduced = Math.abs(reducedStrides[reducedStrides.length - 1]!);
  return kept < reduced;
}

export function reduce(context: KernelContext, op: ReduceOp, x: GpuView, axes: readonly number[], out: GpuView): void {
  const name = `reduce(${op})`;
  const allowed = REDUCE_DTYPES[op];
  if (allowed === undefined) throw new ValueError(`reduce: unknown op '${String(op)}'`);
  const outHandle = viewHandle(context.memory, name, 'out', out);
  const xHandle = viewHandle(context.memory, name, 'x', x);
  expectDType(name, 'x', x.dtype, allowed);
  const reduced = reducedAxes(name, x.shape, axes, out.shape);
  const isArg = op === 'argmax' || op === 'argmin';
  if (isArg) {
    if (axes.length !== 1) throw new ValueError(`${name}: takes exactly one axis, got ${fmtShape(axes)}`);
    expectDType(name, 'out', out.dtype, ['int32']);
  } else {
    expectDType(name, 'out', out.dtype, [x.dtype]);
  }
  const outputs = sizeOf(out.shape);
  if (outputs === 0) return;

  const { keptShape, keptX, keptOut, reducedShape, reducedX } = splitReduceAxes(x, out.strides, reduced);
  const count = sizeOf(reducedShape);
  if (isArg && count === 0) throw new ShapeError(`${name}: cannot reduce the empty axis ${axes[0]} of x ${fmtShape(x.shape)}`);
  const kept = mergedLayout(keptShape, [keptX, keptOut], [x.offset, out.offset]);
  const rest = mergedLayout(reducedShape, [reducedX], [0]);
  const workgroupMode =
    count >= WORKGROUP_MODE_FROM && !(outputs >= THREAD_MODE_OUTPUTS && coalescedOutputs(kept.strides[0]!, rest.strides[0]!));
  const shape = { op, dtype: x.dtype, keptRank: kept.shape.length, reducedRank: rest.shape.length, workgroupMode };
  context.run({
    key: `reduce:${op}:${x.dtype}:k${shape.keptRank}:r${shape.reducedRank}:${workgroupMode ? 'wg' : 'th'}`,
    operands: [
      { handle: outHandle, access: 'read_write', overwrite: coversBuffer(out) },
      { handle: xHandle, access: 'read' },
    ],
    shader: (bindings) => reduceShader(bindings, shape),
    params: [outputs, count, identityWord(op, x.dtype), ...layoutWords(kept), ...layoutWords(rest)],
    groups: workgroupMode ? outputs : Math.ceil(outputs / REDUCE_WORKGROUP),
  });
}
