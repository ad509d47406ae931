// Conformance of the data-movement kernels copy, cast (all nine dtype pairs) and fill. All are
// exact. Cast inputs stay where conversion is defined: float→int32 within int32 range, and
// int32→float32 within ±2^24, where every integer is a float32 (backends may round differently).

import { DTYPES, typedArrayFor } from '@recur/backend';
import type { DType } from '@recur/backend';
import { describe } from 'vitest';
import { EXACT } from './compare.js';
import { anyValue, bit, caseShapes, intIn, logUniform, signed, uniformIn, withSpecials, type Generate } from './generators.js';
import { kernelTest, type Harness } from './harness.js';
import { OUTPUT_LAYOUTS, UNARY_PLANS } from './layouts.js';
import type { Session } from './session.js';

/** The contract's conversion of a number to a dtype: truncation toward zero, bool is x ≠ 0. */
export function convert(value: number, to: DType): number {
  if (to === 'bool') return value !== 0 ? 1 : 0;
  if (to === 'int32') return Math.trunc(value) | 0;
  return Math.fround(value);
}

function castSource(from: DType, to: DType): Generate {
  if (from === 'bool') return bit;
  if (from === 'int32') return withSpecials(intIn(-16777216, 16777216), [0, 1, -1, 16777216, -16777216], 0.3);
  if (to === 'int32') {
    const fractions = [0.99, -0.99, 1.5, -1.5, 2.5, -2.5, -0, 0, 0.5, -0.5];
    return withSpecials(signed(logUniform(0.01, 1e6)), fractions, 0.3);
  }
  if (to === 'bool') return withSpecials(uniformIn(-2, 2), [0, -0, 1e-30, -1e-30, Infinity, -Infinity], 0.4);
  return withSpecials(anyValue('float32'), [Infinity, -Infinity, NaN, -0], 0.1);
}

async function castCases(session: Session, from: DType, to: DType, generate: Generate): Promise<void> {
  for (const shape of caseShapes(session.rng)) {
    for (const [xLayout, outLayout] of UNARY_PLANS) {
      const x = session.input(from, shape, xLayout, generate);
      const out = session.output(to, shape, outLayout);
      session.backend.cast(x.view, out.view);
      session.reference.cast(x.reference, out.reference);
      const contract = typedArrayFor(to, x.logical.length);
      x.logical.forEach((value, i) => (contract[i] = convert(value, to)));
      await session.check(`cast ${from}→${to} x:${x.layout}`, out, EXACT, contract);
      session.release();
    }
  }
}

const FILL_VALUES: Record<DType, readonly number[]> = {
  float32: [0, -2.5, 0.1, 3e38, -Infinity, NaN],
  int32: [0, 7, -123456, 2147483647, 3.7, -3.7],
  bool: [0, 1, 2, 0.5, -1],
};

export function describeCopyCastFill(harness: Harness): void {
  describe('copy', () => {
    for (const dtype of DTYPES) {
      kernelTest(harness, `copy ${dtype}`, async (session) => {
        for (const shape of caseShapes(session.rng)) {
          for (const [xLayout, outLayout] of UNARY_PLANS) {
            const x = session.input(dtype, shape, xLayout, anyValue(dtype));
            const out = session.output(dtype, shape, outLayout);
            session.backend.copy(x.view, out.view);
            session.reference.copy(x.reference, out.reference);
            await session.check(`copy x:${x.layout}`, out, EXACT, x.logical);
            session.release();
          }
        }
      });
    }
  });

  describe('cast', () => {
    for (const from of DTYPES) {
      for (const to of DTYPES) {
        kernelTest(harness, `cast ${from}→${to}`, (session) => castCases(session, from, to, castSource(from, to)));
      }
    }
    // NaN ≠ 0, so NaN casts to true; a truthiness test (`x ? 1 : 0`) gets this wrong.
    kernelTest(harness, 'cast float32→bool maps NaN to true', (session) =>
      castCases(session, 'float32', 'bool', withSpecials(uniformIn(-1, 1), [NaN], 0.5)),
    );
  });

  describe('fill', () => {
    for (const dtype of DTYPES) {
      kernelTest(harness, `fill ${dtype}`, async (session) => {
        for (const shape of caseShapes(session.rng)) {
          for (const layout of OUTPUT_LAYOUTS) {
            for (const value of FILL_VALUES[dtype]) {
              const out = session.output(dtype, shape, layout);
              session.backend.fill(out.view, value);
              session.reference.fill(out.reference, value);
              const contract = typedArrayFor(dtype, out.indices.length).fill(convert(value, dtype));
              await session.check(`fill ${value}`, out, EXACT, contract);
              session.release();
            }
          }
        }
      });
    }
  });
}
