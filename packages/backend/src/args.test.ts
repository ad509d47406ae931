import { describe, expect, it } from 'vitest';
import { checkOptions, describeValue, expectAxes, expectBool, expectInteger, expectIntegerList, expectNumber } from './args.js';
import { ValueError } from './errors.js';

describe('checkOptions', () => {
  it('takes undefined as no options and returns a valid object unchanged', () => {
    expect(checkOptions('f', undefined, ['a'])).toEqual({});
    const options = { a: 1 };
    expect(checkOptions('f', options, ['a', 'b'])).toBe(options);
  });

  it('rejects an unknown key, suggesting the near one', () => {
    expect(() => checkOptions('Adam', { lrr: 0.5 }, ['lr', 'betas', 'eps'])).toThrow(ValueError);
    expect(() => checkOptions('Adam', { lrr: 0.5 }, ['lr', 'betas', 'eps'])).toThrow(
      "Adam: unknown option 'lrr' (did you mean 'lr'?); known options: lr, betas, eps",
    );
    expect(() => checkOptions('f', { zzzzzz: 1 }, ['keepDim'])).toThrow(/unknown option 'zzzzzz'; known options: keepDim$/);
    expect(() => checkOptions('f', { keepdim: true }, ['axis', 'keepDim'])).toThrow(/did you mean 'keepDim'/);
  });

  it('rejects numbers, arrays, null and typed arrays in place of the object', () => {
    for (const bad of [1, 'axis', [1], null, new Float32Array(1), true]) {
      expect(() => checkOptions('sum', bad as never, ['axis', 'keepDim'])).toThrow(ValueError);
    }
    expect(() => checkOptions('sum', 1 as never, ['axis', 'keepDim'])).toThrow(
      'sum: expected an options object { axis?, keepDim? }; got 1',
    );
  });
});

describe('argument checks', () => {
  it('accept what they promise and name what came otherwise', () => {
    expect(expectInteger('f', 'n', 3, 0)).toBe(3);
    expect(() => expectInteger('f', 'n', -1, 0)).toThrow('f: n must be an integer ≥ 0; got -1');
    expect(() => expectInteger('f', 'n', '3')).toThrow('f: n must be an integer; got "3"');
    expect(expectNumber('f', 'x', NaN)).toBeNaN();
    expect(() => expectNumber('f', 'x', Infinity, true)).toThrow(ValueError);
    expect(expectBool('f', 'b', false)).toBe(false);
    expect(() => expectBool('f', 'b', 0)).toThrow('f: b must be true or false; got 0');
    expect(expectIntegerList('f', 'shape', [2, 3])).toEqual([2, 3]);
    expect(() => expectIntegerList('f', 'shape', 6)).toThrow('f: shape must be an array of integers; got 6');
    expect(() => expectIntegerList('f', 'shape', [2, '3'])).toThrow(ValueError);
    expect(expectAxes('f', 'axis', -1)).toBe(-1);
    expect(expectAxes('f', 'axis', [0, 1])).toEqual([0, 1]);
    expect(() => expectAxes('f', 'axis', '1')).toThrow(ValueError);
  });

  it('describes values briefly', () => {
    expect(describeValue({ a: 1, b: 2 })).toBe('an object {a, b}');
    expect(describeValue({ toString: () => 'Tensor(shape=[2])' })).toBe('Tensor(shape=[2])');
    expect(describeValue([1, [2], 3])).toBe('[1,…,3]');
    expect(describeValue(new Int32Array(2))).toBe('a Int32Array');
  });
});
