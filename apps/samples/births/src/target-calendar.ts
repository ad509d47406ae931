// What the calendar says about the K days being forecast, known in advance: the weekday of the
// first target day (one-hot, 7), the time of year (two annual harmonics, 4), and for each target
// day k and the day seasonal-naive copies for it (k − 7): holiday × weekday indicators
// (major and minor, 2 × 7 each). A holiday's dip depends on its weekday (a Sunday Christmas costs
// little, a Tuesday one a third of the day), which flags alone cannot say in a linear head.

import { dayOfWeek } from './calendar.js';
import type { Series } from './births-data.js';

/** Features per target day: holiday × weekday for the target (14) and its naive day (14). */
const PER_DAY = 28;
/** Weekday one-hot + two annual harmonics. */
const SHARED = 11;

export const targetCalendarSize = (horizon: number): number => SHARED + PER_DAY * horizon;

/** Day of the year, 0-based, from an ISO date (UTC). */
function dayOfYear(date: string): number {
  const start = Date.UTC(Number(date.slice(0, 4)), 0, 1);
  return Math.round((Date.parse(`${date}T00:00:00Z`) - start) / 86_400_000);
}

/** The calendar features of targets first … first + K − 1 (naive days `season` earlier), written into `out` at `at`. */
export function writeTargetCalendar(
  series: Series,
  first: number,
  horizon: number,
  season: number,
  out: Float32Array | Float64Array,
  at: number,
): void {
  out.fill(0, at, at + targetCalendarSize(horizon));
  out[at + dayOfWeek(series.dates[first]!) - 1] = 1;
  const angle = (2 * Math.PI * dayOfYear(series.dates[first]!)) / 365.25;
  out[at + 7] = Math.sin(angle);
  out[at + 8] = Math.cos(angle);
  out[at + 9] = Math.sin(2 * angle);
  out[at + 10] = Math.cos(2 * angle);
  for (let k = 0; k < horizon; k++) {
    const base = at + SHARED + PER_DAY * k;
    const target = first + k;
    const weekday = dayOfWeek(series.dates[target]!) - 1;
    // The naive day is a whole number of weeks earlier: the same weekday.
    const [major, minor] = series.flags[target]!;
    const [naiveMajor, naiveMinor] = series.flags[target - season]!;
    out[base + weekday] = major;
    out[base + 7 + weekday] = minor;
    out[base + 14 + weekday] = naiveMajor;
    out[base + 21 + weekday] = naiveMinor;
  }
}
