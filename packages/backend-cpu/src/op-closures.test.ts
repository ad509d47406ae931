// The closure forms must compute exactly what the op tables' `js` strings compute, or the
// closure loops (strict CSP hosts) would drift from the generated ones.

import { describe, expect, it } from 'vitest';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from '@recur/backend';
import { BINARY_CLOSURES, REDUCE_CLOSURES, UNARY_CLOSURES, binaryMath, reduceMath, unaryMath, type AccumulateOp } from './op-closures.js';

const SAMPLES = [0, -0, 1, -1, 0.5, -2.5, 3, 7.25, 1e-8, 88, -100, 2147483647, -2147483648, Infinity, -Infinity, Number.NaN];

function compile(params: string[], js: string): (...values: number[]) => number {
  return new Function(...params, `return ${js};`) as (...values: number[]) => number;
}

describe('op closures', () => {
  it.each(Object.keys(UNARY_OPS) as UnaryOp[])('unary %s equals its js expression', (op) => {
    const fromTable = compile(['x'], UNARY_OPS[op].js);
    for (const x of SAMPLES) expect(UNARY_CLOSURES[op](x)).toBe(fromTable(x));
  });

  it.each(Object.keys(BINARY_OPS) as BinaryOp[])('binary %s equals its js expression', (op) => {
    const fromTable = compile(['a', 'b'], BINARY_OPS[op].js);
    for (const a of SAMPLES) for (const b of SAMPLES) expect(BINARY_CLOSURES[op](a, b)).toBe(fromTable(a, b));
  });

  it.each(Object.keys(REDUCE_OPS) as AccumulateOp[])('reduce %s equals its js expression', (op) => {
    const fromTable = compile(['acc', 'x'], REDUCE_OPS[op].js);
    for (const acc of SAMPLES) for (const x of SAMPLES) expect(REDUCE_CLOSURES[op](acc, x)).toBe(fromTable(acc, x));
  });

  it('int32 products wrap exactly where float64 would lose the low bits', () => {
    const big = 2147483647;
    const exact = Number(BigInt.asIntN(32, BigInt(big) * BigInt(big)));
    expect((big * big) | 0).not.toBe(exact);
    const square = unaryMath('square', 'int32');
    expect(square.fn(big)).toBe(exact);
    expect(compile(['x'], square.js)(big)).toBe(exact);
    const products = [
      { math: binaryMath('mul', 'int32'), params: ['a', 'b'] },
      { math: reduceMath('prod', 'int32'), params: ['acc', 'x'] },
    ];
    for (const { math, params } of products) {
      expect(math.fn(big, big)).toBe(exact);
      expect(compile(params, math.js)(big, big)).toBe(exact);
    }
    expect(binaryMath('mul', 'float32').js).toBe(BINARY_OPS.mul.js);
  });
});
