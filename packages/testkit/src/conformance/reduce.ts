// Conformance of reduce: sum/prod/max/min over single axes, several axes and all axes, and
// argmax/argmin over each axis, on float32 and int32, with empty axes giving the identity.
// The CPU result is also checked against the REDUCE_OPS js combine, run on the host.

import { REDUCE_OPS, sizeOf, typedArrayFor } from '@recur/backend';
import type { DType, ReduceOp } from '@recur/backend';
import { describe } from 'vitest';
import { EXACT, maxAbs, type Bound } from './compare.js';
import { caseShapes, intIn, oneOf, quarterSteps, signed, uniformIn, withSpecials, type Generate, type Shape } from './generators.js';
import { kernelTest, type Harness } from './harness.js';
import { UNARY_PLANS } from './layouts.js';
import type { Rng } from './prng.js';
import type { Session } from './session.js';

type Accumulating = keyof typeof REDUCE_OPS;

const ALL_OPS: readonly ReduceOp[] = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'];

/** Axis sets for a shape: each single axis, a random multi-axis subset, and all axes. */
function axisSets(shape: Shape, rng: Rng, single: boolean): number[][] {
  const sets = shape.map((_, axis) => [axis]);
  if (single || shape.length < 2) return sets;
  const subset = rng.permutation(shape.length).slice(0, rng.int(2, shape.length));
  sets.push(subset.sort((p, q) => p - q));
  sets.push(shape.map((_, axis) => axis));
  return sets;
}

/** Values per op: coarse grids for the extrema (ties test "first index"), bounded products. */
function reduceDomain(op: ReduceOp, dtype: DType, reducedCount: number): Generate {
  if (op === 'sum') return dtype === 'float32' ? uniformIn(-4, 4) : intIn(-100, 100);
  if (op === 'prod') {
    if (dtype === 'float32') return signed(uniformIn(0.7, 1.4));
    // int32 products wrap on overflow, and float64 hosts lose the low bits before they do.
    return reducedCount <= 16 ? intIn(-2, 2) : oneOf([-1, 1, 1]);
  }
  return dtype === 'float32' ? quarterSteps(-3, 3) : intIn(-5, 5);
}

/** Host reduction over `axes` with keepdims, from the contract's combine expressions. */
export function reduceContract(
  op: ReduceOp,
  x: ArrayLike<number>,
  shape: Shape,
  axes: readonly number[],
  outDType: DType,
): ArrayLike<number> {
  const outShape = shape.map((d, axis) => (axes.includes(axis) ? 1 : d));
  const outStrides = outShape.map((_, axis) => sizeOf(outShape.slice(axis + 1)));
  const size = sizeOf(outShape);
  const isArg = op === 'argmax' || op === 'argmin';
  const combine = isArg
    ? undefined
    : (new Function('acc', 'x', `return ${REDUCE_OPS[op as Accumulating].js};`) as (acc: number, x: number) => number);
  const acc = new Float64Array(size).fill(isArg ? NaN : REDUCE_OPS[op as Accumulating].init);
  const arg = new Int32Array(size);
  const position = shape.map(() => 0);
  for (let i = 0; i < x.length; i++) {
    let o = 0;
    shape.forEach((_, axis) => (o += axes.includes(axis) ? 0 : position[axis]! * outStrides[axis]!));
    const value = x[i]!;
    if (combine) acc[o] = combine(acc[o]!, value);
    else if (Number.isNaN(acc[o]!) || (op === 'argmax' ? value > acc[o]! : value < acc[o]!)) {
      acc[o] = value;
      arg[o] = position[axes[0]!]!;
    }
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++position[axis]! < shape[axis]!) break;
      position[axis] = 0;
    }
  }
  if (isArg) return arg;
  const out = typedArrayFor(outDType, size);
  out.set(acc);
  return out;
}

function reduceBound(harness: Harness, op: ReduceOp, dtype: DType, x: ArrayLike<number>, count: number): Bound {
  if (dtype !== 'float32') return EXACT;
  const { atol, rtol } = harness.tolerance.accumulation;
  if (op === 'sum') {
    const spread = atol * count * maxAbs(x);
    return (expected) => spread + rtol * Math.abs(expected);
  }
  if (op === 'prod') return (expected) => (atol * count + rtol) * Math.abs(expected);
  return EXACT;
}

async function reduceCase(
  harness: Harness,
  session: Session,
  op: ReduceOp,
  dtype: DType,
  shape: Shape,
  axes: readonly number[],
  plan: (typeof UNARY_PLANS)[number],
  generate: Generate,
): Promise<void> {
  const outDType = op === 'argmax' || op === 'argmin' ? 'int32' : dtype;
  const outShape = shape.map((d, axis) => (axes.includes(axis) ? 1 : d));
  const count = sizeOf(axes.map((axis) => shape[axis]!));
  const x = session.input(dtype, shape, plan[0], generate);
  const out = session.output(outDType, outShape, plan[1]);
  session.backend.reduce(op, x.view, axes, out.view);
  session.reference.reduce(op, x.reference, axes, out.reference);
  const contract = reduceContract(op, x.logical, shape, axes, outDType);
  const bound = reduceBound(harness, op, dtype, x.logical, count);
  await session.check(`${op} ${dtype} axes [${axes.join(',')}] of [${shape.join(',')}] x:${x.layout}`, out, bound, contract);
  session.release();
}

export function describeReduce(harness: Harness): void {
  describe('reduce', () => {
    for (const op of ALL_OPS) {
      const isArg = op === 'argmax' || op === 'argmin';
      for (const dtype of ['float32', 'int32'] as const) {
        kernelTest(harness, `${op} ${dtype}`, async (session) => {
          let caseIndex = 0;
          for (const shape of caseShapes(session.rng, 4).filter((s) => s.length > 0)) {
            for (const axes of axisSets(shape, session.rng, isArg)) {
              const count = sizeOf(axes.map((axis) => shape[axis]!));
              // argmax needs a non-empty axis; int32 has no ∓∞ to start max/min from.
              if (count === 0 && (isArg || (dtype === 'int32' && (op === 'max' || op === 'min')))) continue;
              const plan = UNARY_PLANS[caseIndex++ % UNARY_PLANS.length]!;
              await reduceCase(harness, session, op, dtype, shape, axes, plan, reduceDomain(op, dtype, count));
            }
          }
        });
      }
    }

    const withNaN = withSpecials(quarterSteps(-3, 3), [NaN], 0.1);
    for (const op of ['max', 'min'] as const) {
      kernelTest(harness, `${op} float32 propagates NaN`, async (session) => {
        for (const axes of [[0], [1], [0, 1]]) {
          await reduceCase(harness, session, op, 'float32', [17, 5], axes, ['sliced', 'offset'], withNaN);
        }
      });
    }
  });
}
