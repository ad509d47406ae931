// The shared argument checks: a view inside its buffer (negative strides, empty views), the
// shapes of a matmul and a reduction, and overlapping operands, each with the error it names.

import { describe, expect, it } from 'vitest';
import { checkView, expectDisjoint, matmulDims, reducedAxes, splitReduceAxes, viewReach } from './checks.js';
import { DTypeError, IndexError, ShapeError, ValueError } from './errors.js';
import type { BackendBuffer, View } from './view.js';

const buffer = (size: number, dtype: 'float32' | 'int32' = 'float32'): BackendBuffer => ({ size, dtype }) as BackendBuffer;
const view = (b: BackendBuffer, shape: number[], strides: number[], offset = 0, dtype = b.dtype): View => ({
  buffer: b,
  dtype,
  shape,
  strides,
  offset,
});

describe('checkView', () => {
  const b = buffer(12);
  it('accepts views inside the buffer, negative strides and empty views', () => {
    expect(() => checkView('op', 'x', view(b, [3, 4], [4, 1]), 12)).not.toThrow();
    expect(() => checkView('op', 'x', view(b, [3], [-4], 8), 12)).not.toThrow();
    expect(() => checkView('op', 'x', view(b, [0, 99], [1, 1], 500), 12)).not.toThrow();
    expect(viewReach(view(b, [2, 3], [-6, 2], 6))).toEqual([0, 10]);
  });
  it('names what is wrong', () => {
    expect(() => checkView('op', 'x', view(b, [3, 5], [4, 1]), 12)).toThrow(
      new IndexError('op: x view [3,5] strides [4,1] offset 0 reaches elements [0, 12] outside its buffer of 12'),
    );
    expect(() => checkView('op', 'x', view(b, [3], [-4], 4), 12)).toThrow(IndexError);
    expect(() => checkView('op', 'x', view(b, [2], [1, 1]), 12)).toThrow(ShapeError);
    expect(() => checkView('op', 'x', view(b, [1.5], [1]), 12)).toThrow(ShapeError);
    expect(() => checkView('op', 'x', view(b, [2], [1], 0, 'int32'), 12)).toThrow(
      new DTypeError('op: x view is int32 but its buffer is float32'),
    );
  });
});

describe('matmulDims', () => {
  const b = buffer(1000);
  it('reads M, N, K and the axes, with transposes', () => {
    const dims = matmulDims(view(b, [2, 5, 3], [15, 3, 1]), view(b, [2, 4, 3], [12, 3, 1]), view(b, [2, 5, 4], [20, 4, 1]), {
      transposeB: true,
    });
    expect(dims).toMatchObject({ M: 5, N: 4, K: 3, batchShape: [2], rowAxisA: 1, kAxisA: 2, kAxisB: 2, colAxisB: 1 });
  });
  it('rejects inner, batch, output and rank mismatches', () => {
    const a = view(b, [5, 3], [3, 1]);
    expect(() => matmulDims(a, view(b, [4, 4], [4, 1]), view(b, [5, 4], [4, 1]), { transposeA: true })).toThrow(
      new ShapeError('matmul: inner dimensions differ: [5,3] · [4,4] (transposeA)'),
    );
    expect(() => matmulDims(view(b, [2, 5, 3], [15, 3, 1]), view(b, [3, 3, 4], [12, 4, 1]), view(b, [2, 5, 4], [20, 4, 1]))).toThrow(
      /b batch \[3\]/,
    );
    expect(() => matmulDims(a, view(b, [3, 4], [4, 1]), view(b, [5, 5], [5, 1]))).toThrow(/expected \[\.\.\.,5,4\]/);
    expect(() => matmulDims(view(b, [3], [1]), view(b, [3], [1]), view(b, [1], [1]))).toThrow(/rank ≥ 2/);
  });
});

describe('reducedAxes and expectDisjoint', () => {
  it('marks reduced axes and checks out', () => {
    expect(reducedAxes('sum', [2, 3, 4], [0, 2], [1, 3, 1])).toEqual([true, false, true]);
    expect(() => reducedAxes('sum', [2, 3], [1, 1], [2, 1])).toThrow(ValueError);
    expect(() => reducedAxes('sum', [2, 3], [2], [2, 3])).toThrow(IndexError);
    expect(() => reducedAxes('sum', [2, 3], [1], [2, 3])).toThrow(new ShapeError('sum: out shape [2,3], expected [2,1] for x [2,3]'));
  });
  it('splits x into kept axes (with out strides) and reduced axes, in x order', () => {
    const split = splitReduceAxes({ shape: [2, 3, 4], strides: [1, 8, 2] }, [3, 1, 0], [true, false, true]);
    expect(split).toEqual({ keptShape: [3], keptX: [8], keptOut: [1], reducedShape: [2, 4], reducedX: [1, 2] });
    expect(splitReduceAxes({ shape: [5], strides: [1] }, [1], [false]).reducedShape).toEqual([]);
  });
  it('refuses overlapping operands of one buffer only', () => {
    const b = buffer(10);
    expect(() =>
      expectDisjoint('adam', [
        ['p', view(b, [5], [1])],
        ['m', view(b, [5], [1], 5)],
        ['g', view(buffer(5), [5], [1])],
      ]),
    ).not.toThrow();
    expect(() =>
      expectDisjoint('adam', [
        ['p', view(b, [5], [1])],
        ['m', view(b, [5], [1], 4)],
      ]),
    ).toThrow(new ValueError('adam: p and m overlap in one buffer; every operand needs its own memory'));
  });
});
