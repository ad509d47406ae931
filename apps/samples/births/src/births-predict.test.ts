import { describe, expect, it } from 'vitest';
import { InputError } from '@recur/sample-core';
import { parseSeriesInput } from './births-predict.js';

describe('parseSeriesInput', () => {
  const values = Array.from({ length: 14 }, (_, i) => 9000 + i);

  it('reads a date and the numbers ending on it', () => {
    expect(parseSeriesInput(`1988-12-31: ${values.join(', ')}`, 14)).toEqual({ lastDate: '1988-12-31', values });
    expect(parseSeriesInput(`1988-12-31 ${values.join(' ')}\n`, 14).values).toHaveLength(14);
  });

  it('says what is wrong with bad input', () => {
    expect(() => parseSeriesInput('9000 9001', 14)).toThrow(InputError);
    expect(() => parseSeriesInput('1988-12-31 1 2 3', 14)).toThrow('input: got 3 numbers');
    expect(() => parseSeriesInput(`1988-12-31 ${values.join(' ')} abc`, 14)).toThrow('value 15 ("abc") is not a number');
  });
});
