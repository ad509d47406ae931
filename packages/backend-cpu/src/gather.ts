// gather (torch.gather) and scatterAdd (torch.scatter_add_) along one axis. The indexed operand
// is walked with its axis stride zeroed, so one coalesced layout serves all three operands; the
// index then adds index·stride. Every index is checked before anything is written.

import { IndexError, ShapeError, fmtShape, sizeOf, type AnyTypedArray, type View } from '@recur/backend';
import { expectAxis, expectDType, expectSameDType, expectSameShape, inputArray, viewArray, type KernelContext } from './check.js';
import type { CpuBuffer } from './memory.js';
import { forEachRun, layoutOf, type Layout } from './strided.js';

type CpuView = View<CpuBuffer>;

/** The indexed operand's strides with `axis` zeroed, after checking its shape can hold `shape`. */
function indexedStrides(op: string, name: string, view: CpuView, shape: readonly number[], axis: number): number[] {
  const fits = view.shape.length === shape.length && shape.every((size, d) => d === axis || size <= view.shape[d]!);
  if (!fits) {
    throw new ShapeError(`${op}: indices ${fmtShape(shape)} do not fit ${name} ${fmtShape(view.shape)} off axis ${axis}`);
  }
  return view.strides.map((stride, d) => (d === axis ? 0 : stride));
}

/** Operand 0 of `layout` must be the indices; throws on the first index outside [0, limit). */
function checkIndices(op: string, layout: Layout, offset: number, indices: Int32Array, limit: number, axis: number): void {
  const last = layout.shape.length - 1;
  const n = layout.shape[last]!;
  const step = layout.strides[0]![last]!;
  forEachRun({ shape: layout.shape, strides: [layout.strides[0]!] }, [offset], (pointers) => {
    for (let j = 0, p = pointers[0]!; j < n; j++, p += step) {
      const index = indices[p]!;
      if (index < 0 || index >= limit) throw new IndexError(`${op}: index ${index} out of range [0, ${limit}) on axis ${axis}`);
    }
  });
}

export function gather(context: KernelContext, x: CpuView, indices: CpuView, axis: number, out: CpuView): void {
  const target = viewArray(context, 'gather', 'out', out);
  const index = inputArray(context, 'gather', 'indices', indices) as Int32Array;
  const source = inputArray(context, 'gather', 'x', x);
  expectDType('gather', 'indices', indices.dtype, ['int32']);
  expectSameDType('gather', 'x and out', x.dtype, out.dtype);
  expectAxis('gather', axis, x.shape.length);
  expectSameShape('gather', 'indices and out', indices.shape, out.shape);
  const xStrides = indexedStrides('gather', 'x', x, out.shape, axis);
  if (sizeOf(out.shape) === 0) return;
  const layout = layoutOf(out.shape, [indices.strides, out.strides, xStrides]);
  const limit = x.shape[axis]!;
  checkIndices('gather', layout, indices.offset, index, limit, axis);
  const step = x.strides[axis]!;
  runTriples(layout, [indices.offset, out.offset, x.offset], (pi, po, px) => {
    target[po] = source[px + index[pi]! * step]!;
  });
}

export function scatterAdd(context: KernelContext, indices: CpuView, src: CpuView, axis: number, out: CpuView): void {
  const target = viewArray(context, 'scatterAdd', 'out', out);
  const index = inputArray(context, 'scatterAdd', 'indices', indices) as Int32Array;
  const source: AnyTypedArray = inputArray(context, 'scatterAdd', 'src', src);
  expectDType('scatterAdd', 'indices', indices.dtype, ['int32']);
  expectDType('scatterAdd', 'out', out.dtype, ['float32', 'int32']);
  expectSameDType('scatterAdd', 'src and out', src.dtype, out.dtype);
  expectAxis('scatterAdd', axis, out.shape.length);
  expectSameShape('scatterAdd', 'indices and src', indices.shape, src.shape);
  const outStrides = indexedStrides('scatterAdd', 'out', out, indices.shape, axis);
  if (sizeOf(indices.shape) === 0) return;
  const layout = layoutOf(indices.shape, [indices.strides, src.strides, outStrides]);
  const limit = out.shape[axis]!;
  checkIndices('scatterAdd', layout, indices.offset, index, limit, axis);
  const step = out.strides[axis]!;
  // Sequential adds in row-major order: repeated indices accumulate, each sum rounded by the store.
  runTriples(layout, [indices.offset, src.offset, out.offset], (pi, ps, po) => {
    const p = po + index[pi]! * step;
    target[p] = target[p]! + source[ps]!;
  });
}

/** Calls `visit` with the three operands' offsets of every element, in row-major order. */
function runTriples(layout: Layout, offsets: readonly number[], visit: (p0: number, p1: number, p2: number) => void): void {
  const last = layout.shape.length - 1;
  const n = layout.shape[last]!;
  const [s0, s1, s2] = layout.strides.map((strides) => strides[last]!) as [number, number, number];
  forEachRun(layout, offsets, (pointers) => {
    let p0 = pointers[0]!;
    let p1 = pointers[1]!;
    let p2 = pointers[2]!;
    for (let j = 0; j < n; j++, p0 += s0, p1 += s1, p2 += s2) visit(p0, p1, p2);
  });
}
