// random must reproduce randomElement element by element (row-major over out's shape) for every
// distribution, on strided outputs, odd sizes and counters that carry past 2^32.

import { describe, expect, it } from 'vitest';
import { DTypeError, ValueError, philox4x32, randomElement, type DType, type RandomParams, mulberry32 } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import { expectWrites, makeView, randomShape, store } from './test-helpers.js';

const backend = createCpuBackend();

describe('philox4x32', () => {
  it('matches the Random123 known answers', () => {
    const words = new Uint32Array(4);
    philox4x32(0, 0, 0, 0, 0, 0, words);
    expect(Array.from(words)).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    const ones = 0xffffffff;
    philox4x32(ones, ones, ones, ones, ones, ones, words);
    expect(Array.from(words)).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, words);
    expect(Array.from(words)).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });
});

const CASES: [RandomParams['distribution'], DType][] = [
  ['uniform', 'float32'],
  ['normal', 'float32'],
  ['bits', 'int32'],
  ['bits', 'float32'],
];

describe('random', () => {
  it.each(CASES)('%s into %s equals randomElement for every element', (distribution, dtype) => {
    const random = mulberry32(distribution.length * 7 + dtype.length);
    const scratch = new Uint32Array(4);
    let checked = 0;
    for (let trial = 0; trial < 30; trial++) {
      const shape = randomShape(random);
      const params: RandomParams = {
        distribution,
        key: [Math.floor(random() * 2 ** 32), Math.floor(random() * 2 ** 32)],
        counter: trial % 5 === 0 ? [0xfffffffe, 0xffffffff] : [Math.floor(random() * 2 ** 32), Math.floor(random() * 100)],
        a: distribution === 'uniform' ? -2 : 0.5,
        b: distribution === 'uniform' ? 3 : 2,
      };
      const out = makeView(backend, random, dtype, shape, { contiguous: trial % 2 === 0 });
      const count = shape.reduce((product, size) => product * size, 1);
      const expected = Array.from({ length: count }, (_, i) => store(dtype, randomElement(params, i, scratch)));
      expectWrites(backend, out, () => backend.random(out, params), expected);
      checked += count;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('spreads uniform over [a, b) and normal around its mean', () => {
    const size = 4099;
    const buffer = backend.alloc(size, 'float32');
    const out = { buffer, dtype: 'float32' as const, shape: [size], strides: [1], offset: 0 };
    backend.random(out, { distribution: 'uniform', key: [1, 2], counter: [0, 0], a: 2, b: 5 });
    const uniform = Array.from(backend.readSync!(buffer));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...uniform)).toBeLessThan(5);
    expect(Math.abs(uniform.reduce((s, v) => s + v, 0) / size - 3.5)).toBeLessThan(0.1);
    backend.random(out, { distribution: 'normal', key: [3, 4], counter: [7, 0], a: 1, b: 2 });
    const normal = Array.from(backend.readSync!(buffer));
    const mean = normal.reduce((s, v) => s + v, 0) / size;
    const std = Math.sqrt(normal.reduce((s, v) => s + (v - mean) ** 2, 0) / size);
    expect(Math.abs(mean - 1)).toBeLessThan(0.15);
    expect(Math.abs(std - 2)).toBeLessThan(0.15);
  });

  it('rejects out dtypes the distribution cannot fill and unknown distributions', () => {
    const random = mulberry32(3);
    const params: RandomParams = { distribution: 'uniform', key: [0, 0], counter: [0, 0], a: 0, b: 1 };
    expect(() => backend.random(makeView(backend, random, 'int32', [4]), params)).toThrow(
      new DTypeError('random(uniform): out must be float32, got int32'),
    );
    expect(() => backend.random(makeView(backend, random, 'bool', [4]), { ...params, distribution: 'bits' })).toThrow(DTypeError);
    const unknown = { ...params, distribution: 'cauchy' } as unknown as RandomParams;
    expect(() => backend.random(makeView(backend, random, 'float32', [4]), unknown)).toThrow(ValueError);
  });
});
