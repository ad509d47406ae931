// Conformance of gather and scatterAdd along every axis of ranks 1–4. Index tensors are strided
// and broadcast too, and scatterAdd targets fewer slots than it has sources, so indices repeat
// and contributions to one slot must all be added (no lost updates).

import { DTYPES, contiguousStrides, sizeOf, typedArrayFor } from '@recur/backend';
import type { DType } from '@recur/backend';
import { describe } from 'vitest';
import { EXACT, maxAbs, type Bound } from './compare.js';
import { anyValue, caseShapes, intIn, uniformIn, type Shape } from './generators.js';
import { kernelTest, type Harness } from './harness.js';
import type { LayoutKind } from './layouts.js';

type Plan = readonly [LayoutKind, LayoutKind, LayoutKind];

/** [x, indices, out] for gather; [indices, src, out] for scatterAdd. */
const PLANS: readonly Plan[] = [
  ['contiguous', 'contiguous', 'contiguous'],
  ['permuted', 'sliced', 'offset'],
  ['sliced', 'broadcast', 'permuted'],
  ['offset', 'permuted', 'sliced'],
  ['broadcast', 'scalar', 'contiguous'],
];

/** Calls `visit` with each position of `shape` in row-major order and its flat index. */
function forEachPosition(shape: Shape, visit: (position: readonly number[], flat: number) => void): void {
  const size = sizeOf(shape);
  const position = shape.map(() => 0);
  for (let flat = 0; flat < size; flat++) {
    visit(position, flat);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++position[axis]! < shape[axis]!) break;
      position[axis] = 0;
    }
  }
}

/** Flat row-major index of `position` with its `axis` coordinate replaced by `index`. */
function flatWith(position: readonly number[], strides: readonly number[], axis: number, index: number): number {
  let flat = 0;
  position.forEach((p, d) => (flat += (d === axis ? index : p) * strides[d]!));
  return flat;
}

function gatherContract(
  x: ArrayLike<number>,
  xShape: Shape,
  indices: ArrayLike<number>,
  indexShape: Shape,
  axis: number,
  dtype: DType,
): ArrayLike<number> {
  const strides = contiguousStrides(xShape);
  const out = typedArrayFor(dtype, indices.length);
  forEachPosition(indexShape, (position, flat) => (out[flat] = x[flatWith(position, strides, axis, indices[flat]!)]!));
  return out;
}

function scatterAddContract(
  initial: ArrayLike<number>,
  outShape: Shape,
  indices: ArrayLike<number>,
  src: ArrayLike<number>,
  srcShape: Shape,
  axis: number,
  dtype: DType,
): ArrayLike<number> {
  const strides = contiguousStrides(outShape);
  const sums = Float64Array.from(initial);
  forEachPosition(srcShape, (position, flat) => (sums[flatWith(position, strides, axis, indices[flat]!)]! += src[flat]!));
  const out = typedArrayFor(dtype, sums.length);
  out.set(sums);
  return out;
}

/** Index shapes for gather/scatterAdd: the edge and random shapes of rank ≥ 1, with each axis. */
function axisCases(shapes: readonly Shape[]): { shape: Shape; axis: number }[] {
  return shapes.filter((s) => s.length > 0).flatMap((shape) => shape.map((_, axis) => ({ shape, axis })));
}

const EXTENTS = [1, 2, 3, 5, 17];

export function describeIndexing(harness: Harness): void {
  describe('gather', () => {
    for (const dtype of DTYPES) {
      kernelTest(harness, `gather ${dtype}`, async (session) => {
        let caseIndex = 0;
        for (const { shape, axis } of axisCases(caseShapes(session.rng))) {
          const [xLayout, indexLayout, outLayout] = PLANS[caseIndex++ % PLANS.length]!;
          const extent = session.rng.pick(EXTENTS);
          const xShape = shape.map((d, a) => (a === axis ? extent : d));
          const x = session.input(dtype, xShape, xLayout, anyValue(dtype));
          const indices = session.input('int32', shape, indexLayout, intIn(0, extent - 1));
          const out = session.output(dtype, shape, outLayout);
          session.backend.gather(x.view, indices.view, axis, out.view);
          session.reference.gather(x.reference, indices.reference, axis, out.reference);
          const contract = gatherContract(x.logical, xShape, indices.logical, shape, axis, dtype);
          const label = `gather axis ${axis} of x [${xShape.join(',')}] x:${x.layout} indices:${indices.layout}`;
          await session.check(label, out, EXACT, contract);
          session.release();
        }
      });
    }
  });

  describe('scatterAdd', () => {
    for (const dtype of ['float32', 'int32'] as const) {
      kernelTest(harness, `scatterAdd ${dtype} with repeated indices`, async (session) => {
        const values = dtype === 'float32' ? uniformIn(-4, 4) : intIn(-100, 100);
        let caseIndex = 0;
        for (const { shape, axis } of axisCases(caseShapes(session.rng))) {
          const [indexLayout, srcLayout, outLayout] = PLANS[caseIndex++ % PLANS.length]!;
          // Fewer slots than sources along `axis` whenever the axis is longer than 3.
          const extent = session.rng.pick(EXTENTS.slice(0, 4));
          const outShape = shape.map((d, a) => (a === axis ? extent : d));
          const indices = session.input('int32', shape, indexLayout, intIn(0, extent - 1));
          const src = session.input(dtype, shape, srcLayout, values);
          const initial = typedArrayFor(dtype, sizeOf(outShape));
          for (let i = 0; i < initial.length; i++) initial[i] = values(session.rng);
          const out = session.output(dtype, outShape, outLayout, initial);
          session.backend.scatterAdd(indices.view, src.view, axis, out.view);
          session.reference.scatterAdd(indices.reference, src.reference, axis, out.reference);
          const contract = scatterAddContract(initial, outShape, indices.logical, src.logical, shape, axis, dtype);
          const { atol, rtol } = harness.tolerance.accumulation;
          const spread = atol * (shape[axis]! * maxAbs(src.logical) + maxAbs(initial));
          const bound: Bound = dtype === 'float32' ? (expected) => spread + rtol * Math.abs(expected) : EXACT;
          const label = `scatterAdd axis ${axis} into [${outShape.join(',')}] indices:${indices.layout} src:${src.layout}`;
          await session.check(label, out, bound, contract);
          session.release();
        }
      });
    }
  });
}
