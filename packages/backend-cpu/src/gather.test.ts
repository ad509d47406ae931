// gather and scatterAdd against index-by-index references (torch.gather, torch.scatter_add_):
// every axis, strided and broadcast operands, repeated indices, and range checks.

import { describe, expect, it } from 'vitest';
import { DTypeError, IndexError, ShapeError, type DType, mulberry32 } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import { elementOffset, expectWrites, forEachIndex, makeView, pick, randomShape, readView, store, type CpuView } from './test-helpers.js';

const backend = createCpuBackend();

/** An indices shape for `shape` along `axis`: any size on the axis, at most shape[d] elsewhere. */
function indicesShape(random: () => number, shape: readonly number[], axis: number): number[] {
  return shape.map((size, d) => (d === axis ? pick(random, [0, 1, 3, 6]) : random() < 0.7 ? size : Math.floor(random() * (size + 1))));
}

function indexValues(limit: number): (random: () => number) => number {
  return (random) => Math.floor(random() * limit);
}

describe('gather', () => {
  it.each(['float32', 'int32', 'bool'] as DType[])('%s matches torch.gather on random axes and layouts', (dtype) => {
    const random = mulberry32(10 + dtype.length);
    let checked = 0;
    for (let trial = 0; trial < 40; trial++) {
      const shape = randomShape(random, 3, false);
      if (shape.length === 0) shape.push(4);
      const axis = Math.floor(random() * shape.length);
      const x = makeView(backend, random, dtype, shape, { broadcast: true });
      const outShape = indicesShape(random, shape, axis);
      const indices = makeView(backend, random, 'int32', outShape, { broadcast: true, values: indexValues(shape[axis]!) });
      const out = makeView(backend, random, dtype, outShape);
      const dataX = backend.readSync!(x.buffer);
      const idx = readView(backend, indices);
      const expected: number[] = [];
      forEachIndex(outShape, (index, flat) => {
        const source = index.slice();
        source[axis] = idx[flat]!;
        expected.push(dataX[elementOffset(x, source)]!);
      });
      expectWrites(backend, out, () => backend.gather(x, indices, axis, out), expected);
      checked += expected.length;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('throws IndexError for an index outside the axis and typed errors for bad operands', () => {
    const random = mulberry32(11);
    const x = makeView(backend, random, 'float32', [3, 4], { contiguous: true });
    const indices = makeView(backend, random, 'int32', [3, 2], { contiguous: true, values: () => 1 });
    const out = makeView(backend, random, 'float32', [3, 2], { contiguous: true });
    backend.write(indices.buffer, new Int32Array([0, 1, 2, 3, 4, 0]));
    expect(() => backend.gather(x, indices, 1, out)).toThrow(new IndexError('gather: index 4 out of range [0, 4) on axis 1'));
    backend.write(indices.buffer, new Int32Array([0, -1, 0, 0, 0, 0]));
    expect(() => backend.gather(x, indices, 1, out)).toThrow(IndexError);
    expect(() => backend.gather(x, { ...indices, dtype: 'float32', buffer: out.buffer }, 1, out)).toThrow(DTypeError);
    expect(() => backend.gather(x, indices, 2, out)).toThrow(IndexError);
    expect(() => backend.gather(x, indices, 1, makeView(backend, random, 'float32', [3, 3]))).toThrow(ShapeError);
    expect(() => backend.gather(makeView(backend, random, 'float32', [2, 4]), indices, 1, out)).toThrow(ShapeError);
  });
});

describe('scatterAdd', () => {
  it.each(['float32', 'int32'] as DType[])('%s matches torch.scatter_add_ with repeated and broadcast indices', (dtype) => {
    const random = mulberry32(20 + dtype.length);
    let checked = 0;
    for (let trial = 0; trial < 40; trial++) {
      const shape = randomShape(random, 3, false);
      if (shape.length === 0) shape.push(3);
      const axis = Math.floor(random() * shape.length);
      const out = makeView(backend, random, dtype, shape);
      const srcShape = indicesShape(random, shape, axis);
      const indices = makeView(backend, random, 'int32', srcShape, { broadcast: true, values: indexValues(shape[axis]!) });
      const src = makeView(backend, random, dtype, srcShape, { broadcast: true });
      const expectedData = Array.from(backend.readSync!(out.buffer));
      const idx = readView(backend, indices);
      const values = readView(backend, src);
      forEachIndex(srcShape, (index, flat) => {
        const target = index.slice();
        target[axis] = idx[flat]!;
        const p = elementOffset(out, target);
        expectedData[p] = store(dtype, expectedData[p]! + values[flat]!);
      });
      const expected: number[] = [];
      forEachIndex(shape, (index) => expected.push(expectedData[elementOffset(out, index)]!));
      expectWrites(backend, out, () => backend.scatterAdd(indices, src, axis, out), expected);
      checked += idx.length;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('accumulates every repeat of an index', () => {
    const out = backend.alloc(3, 'float32');
    const indices = backend.alloc(1, 'int32');
    const src = backend.alloc(5, 'float32');
    backend.write(indices, new Int32Array([2]));
    backend.write(src, new Float32Array([1, 2, 3, 4, 5]));
    backend.scatterAdd(
      { buffer: indices, dtype: 'int32', shape: [5], strides: [0], offset: 0 },
      { buffer: src, dtype: 'float32', shape: [5], strides: [1], offset: 0 },
      0,
      { buffer: out, dtype: 'float32', shape: [3], strides: [1], offset: 0 },
    );
    expect(Array.from(backend.readSync!(out))).toEqual([0, 0, 15]);
  });

  it('leaves out untouched when an index is out of range', () => {
    const random = mulberry32(21);
    const out: CpuView = makeView(backend, random, 'float32', [2, 3], { contiguous: true });
    const before = Array.from(backend.readSync!(out.buffer));
    const indices = makeView(backend, random, 'int32', [2, 2], { contiguous: true });
    backend.write(indices.buffer, new Int32Array([0, 1, 2, 3]));
    const src = makeView(backend, random, 'float32', [2, 2], { contiguous: true });
    expect(() => backend.scatterAdd(indices, src, 1, out)).toThrow(new IndexError('scatterAdd: index 3 out of range [0, 3) on axis 1'));
    expect(Array.from(backend.readSync!(out.buffer))).toEqual(before);
    expect(() => backend.scatterAdd(indices, makeView(backend, random, 'float32', [2, 3]), 1, out)).toThrow(ShapeError);
    expect(() => backend.scatterAdd(indices, makeView(backend, random, 'int32', [2, 2]), 1, out)).toThrow(DTypeError);
    const boolOut = makeView(backend, random, 'bool', [2, 3]);
    expect(() => backend.scatterAdd(indices, makeView(backend, random, 'bool', [2, 2]), 1, boolOut)).toThrow(DTypeError);
  });
});
