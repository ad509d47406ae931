// Conformance of the elementwise kernels: every unary and binary op of the op tables for every
// dtype the table allows, and where. Inputs come from each op's well-defined domain; the CPU
// result is also checked against the table's own `js` expression, evaluated on the host.

import { BINARY_OPS, UNARY_OPS, opOutDType, typedArrayFor } from '@recur/backend';
import type { BinaryOp, DType, UnaryOp } from '@recur/backend';
import { describe } from 'vitest';
import { EXACT, relative, type Bound } from './compare.js';
import {
  anyValue,
  bit,
  caseShapes,
  intIn,
  logUniform,
  nonzeroIntIn,
  quarterSteps,
  signed,
  uniformIn,
  withSpecials,
  type Generate,
} from './generators.js';
import { kernelTest, type Harness } from './harness.js';
import { UNARY_PLANS, type LayoutKind } from './layouts.js';

/** Ops whose float result is one of the inputs or an exact function of one: no rounding. */
const SELECTING_OPS = new Set<string>(['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'maximum', 'minimum']);
const TRANSCENDENTAL_OPS = new Set<string>(['exp', 'log', 'tanh', 'sigmoid', 'sin', 'cos', 'pow']);

const BINARY_PLANS: readonly (readonly [LayoutKind, LayoutKind, LayoutKind])[] = [
  ['contiguous', 'contiguous', 'contiguous'],
  ['offset', 'sliced', 'permuted'],
  ['permuted', 'broadcast', 'offset'],
  ['broadcast', 'permuted', 'sliced'],
  ['sliced', 'scalar', 'contiguous'],
  ['scalar', 'offset', 'sliced'],
  ['broadcast', 'broadcast', 'permuted'],
];

const WHERE_PLANS: readonly (readonly [LayoutKind, LayoutKind, LayoutKind, LayoutKind])[] = [
  ['contiguous', 'contiguous', 'contiguous', 'contiguous'],
  ['sliced', 'permuted', 'offset', 'sliced'],
  ['broadcast', 'offset', 'scalar', 'permuted'],
  ['permuted', 'broadcast', 'sliced', 'offset'],
  ['scalar', 'sliced', 'broadcast', 'contiguous'],
];

const mixed = withSpecials(uniformIn(-4, 4), [0, 1, -1, 0.5, -0.5], 0.15);
const positive = logUniform(1e-3, 1e3);

/** Float inputs where each unary op is well-defined (no log of negatives, no 1/0). */
const UNARY_FLOAT_DOMAIN: Record<UnaryOp, Generate> = {
  neg: mixed,
  abs: mixed,
  sign: mixed,
  square: mixed,
  relu: mixed,
  exp: uniformIn(-10, 10),
  log: positive,
  sqrt: positive,
  rsqrt: positive,
  reciprocal: signed(logUniform(1e-2, 1e2)),
  tanh: uniformIn(-12, 12),
  sigmoid: uniformIn(-30, 30),
  floor: quarterSteps(-5, 5),
  ceil: quarterSteps(-5, 5),
  sin: uniformIn(-8, 8),
  cos: uniformIn(-8, 8),
  logicalNot: bit,
  isNaN: withSpecials(mixed, [NaN, Infinity, -Infinity], 0.3),
};

const ties = quarterSteps(-2, 2);
const comparison: readonly [Generate, Generate] = [ties, ties];

/** Float operand domains per binary op: [a, b]. Comparisons draw from a coarse grid so ties occur. */
const BINARY_FLOAT_DOMAIN: Record<BinaryOp, readonly [Generate, Generate]> = {
  add: [mixed, mixed],
  sub: [mixed, mixed],
  mul: [mixed, mixed],
  div: [mixed, signed(logUniform(0.1, 10))],
  pow: [logUniform(0.05, 20), uniformIn(-3, 3)],
  maximum: comparison,
  minimum: comparison,
  eq: comparison,
  ne: comparison,
  lt: comparison,
  le: comparison,
  gt: comparison,
  ge: comparison,
  logicalAnd: [bit, bit],
  logicalOr: [bit, bit],
};

function binaryIntDomain(op: BinaryOp): readonly [Generate, Generate] {
  if (op === 'add' || op === 'sub' || op === 'mul') return [intIn(-1000, 1000), intIn(-1000, 1000)];
  if (op === 'div') return [intIn(-1000, 1000), nonzeroIntIn(-20, 20)];
  return [intIn(-4, 4), intIn(-4, 4)];
}

function unaryDomain(op: UnaryOp, dtype: DType): Generate {
  if (dtype === 'bool') return bit;
  if (dtype === 'int32') return op === 'square' ? intIn(-1000, 1000) : intIn(-100, 100);
  return UNARY_FLOAT_DOMAIN[op];
}

function binaryDomain(op: BinaryOp, dtype: DType): readonly [Generate, Generate] {
  if (dtype === 'bool') return [bit, bit];
  if (dtype === 'int32') return binaryIntDomain(op);
  return BINARY_FLOAT_DOMAIN[op];
}

export function elementwiseBound(harness: Harness, op: string, dtype: DType, outDType: DType): Bound {
  if (dtype !== 'float32' || outDType !== 'float32' || SELECTING_OPS.has(op)) return EXACT;
  return relative(TRANSCENDENTAL_OPS.has(op) ? harness.tolerance.transcendental : harness.tolerance.arithmetic);
}

/** The table's js expression evaluated on the host and stored into the output dtype. */
function contractValues(js: string, params: readonly string[], operands: readonly ArrayLike<number>[], outDType: DType): ArrayLike<number> {
  const evaluate = new Function(...params, `return ${js};`) as (...args: number[]) => number;
  const size = operands[0]!.length;
  const values = typedArrayFor(outDType, size);
  for (let i = 0; i < size; i++) values[i] = evaluate(...operands.map((operand) => operand[i]!));
  return values;
}

export function describeElementwise(harness: Harness): void {
  describe('unary', () => {
    for (const [op, def] of Object.entries(UNARY_OPS) as [UnaryOp, (typeof UNARY_OPS)[UnaryOp]][]) {
      for (const dtype of def.dtypes) {
        const outDType = opOutDType(def, dtype);
        kernelTest(harness, `${op} ${dtype}`, async (session) => {
          const generate = unaryDomain(op, dtype);
          const bound = elementwiseBound(harness, op, dtype, outDType);
          for (const shape of caseShapes(session.rng)) {
            for (const [xLayout, outLayout] of UNARY_PLANS) {
              const x = session.input(dtype, shape, xLayout, generate);
              const out = session.output(outDType, shape, outLayout);
              session.backend.unary(op, x.view, out.view);
              session.reference.unary(op, x.reference, out.reference);
              const contract = contractValues(def.js, ['x'], [x.logical], outDType);
              await session.check(`${op} x:${x.layout}`, out, bound, contract);
              session.release();
            }
          }
        });
      }
    }
  });

  describe('binary', () => {
    for (const [op, def] of Object.entries(BINARY_OPS) as [BinaryOp, (typeof BINARY_OPS)[BinaryOp]][]) {
      for (const dtype of def.dtypes) {
        const outDType = opOutDType(def, dtype);
        kernelTest(harness, `${op} ${dtype}`, async (session) => {
          const [generateA, generateB] = binaryDomain(op, dtype);
          const bound = elementwiseBound(harness, op, dtype, outDType);
          for (const shape of caseShapes(session.rng)) {
            for (const [aLayout, bLayout, outLayout] of BINARY_PLANS) {
              const a = session.input(dtype, shape, aLayout, generateA);
              const b = session.input(dtype, shape, bLayout, generateB);
              const out = session.output(outDType, shape, outLayout);
              session.backend.binary(op, a.view, b.view, out.view);
              session.reference.binary(op, a.reference, b.reference, out.reference);
              const contract = contractValues(def.js, ['a', 'b'], [a.logical, b.logical], outDType);
              await session.check(`${op} a:${a.layout} b:${b.layout}`, out, bound, contract);
              session.release();
            }
          }
        });
      }
    }
  });

  describe('NaN semantics', () => {
    // The table's js for maximum/minimum propagates a NaN from either side, as PyTorch does.
    const withNaN = withSpecials(quarterSteps(-2, 2), [NaN], 0.25);
    for (const op of ['maximum', 'minimum'] as const) {
      kernelTest(harness, `${op} float32 propagates NaN`, async (session) => {
        for (const shape of [[5], [17, 3], [2, 3, 4]]) {
          const a = session.input('float32', shape, 'sliced', withNaN);
          const b = session.input('float32', shape, 'permuted', withNaN);
          const out = session.output('float32', shape, 'offset');
          session.backend.binary(op, a.view, b.view, out.view);
          session.reference.binary(op, a.reference, b.reference, out.reference);
          const contract = contractValues(BINARY_OPS[op].js, ['a', 'b'], [a.logical, b.logical], 'float32');
          await session.check(`${op} with NaN`, out, EXACT, contract);
          session.release();
        }
      });
    }
  });

  describe('where', () => {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      kernelTest(harness, `where ${dtype}`, async (session) => {
        for (const shape of caseShapes(session.rng)) {
          for (const [condLayout, aLayout, bLayout, outLayout] of WHERE_PLANS) {
            const cond = session.input('bool', shape, condLayout, bit);
            const a = session.input(dtype, shape, aLayout, anyValue(dtype));
            const b = session.input(dtype, shape, bLayout, anyValue(dtype));
            const out = session.output(dtype, shape, outLayout);
            session.backend.where(cond.view, a.view, b.view, out.view);
            session.reference.where(cond.reference, a.reference, b.reference, out.reference);
            const contract = typedArrayFor(dtype, cond.logical.length);
            cond.logical.forEach((c, i) => (contract[i] = c ? a.logical[i]! : b.logical[i]!));
            await session.check(`where cond:${cond.layout} a:${a.layout} b:${b.layout}`, out, EXACT, contract);
            session.release();
          }
        }
      });
    }
  });
}
