import { describe, expect, it } from 'vitest';
import { addDays, dayOfWeek, holidayFlags, holidaysOf } from './calendar.js';

describe('calendar', () => {
  it('numbers days of the week as the dataset does (1 Monday … 7 Sunday)', () => {
    expect(dayOfWeek('1969-01-01')).toBe(3);
    expect(dayOfWeek('1988-12-31')).toBe(6);
    expect(dayOfWeek('1988-12-25')).toBe(7);
  });

  it('finds the moving holidays of a year', () => {
    const { major, minor } = holidaysOf(1987);
    expect([...major]).toEqual(['1987-01-01', '1987-05-25', '1987-07-04', '1987-09-07', '1987-11-26', '1987-12-25']);
    expect(minor.has('1987-11-27')).toBe(true);
    expect(holidaysOf(1970).major.has('1970-05-30')).toBe(true);
    expect(holidayFlags('1988-11-24')).toEqual([1, 0]);
    expect(holidayFlags('1988-12-24')).toEqual([0, 1]);
    expect(holidayFlags('1988-12-23')).toEqual([0, 0]);
  });

  it('adds days across month and year ends', () => {
    expect(addDays('1988-12-31', 1)).toBe('1989-01-01');
    expect(addDays('1988-03-01', -1)).toBe('1988-02-29');
  });
});
