// The calendar facts a births model can know in advance: the day of the week and the US
// holidays on which (and around which) far fewer births are scheduled. Dates are ISO
// YYYY-MM-DD strings handled in UTC so no time zone shifts a day.

/** Whole days since 1970-01-01 for an ISO date. */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

/** The ISO date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * 86_400_000).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday, the births dataset's convention. */
export function dayOfWeek(date: string): number {
  const sunday0 = new Date(`${date}T00:00:00Z`).getUTCDay();
  return sunday0 === 0 ? 7 : sunday0;
}

/** The day of the month of the n-th (1-based) weekday `weekday` (0 = Sunday) of a month; n = -1 for the last. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return 1 + ((weekday - first + 7) % 7) + 7 * (n - 1);
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay();
  return lastDay - ((last - weekday + 7) % 7);
}

const pad = (value: number) => String(value).padStart(2, '0');
const iso = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;

/**
 * Holidays of `year`: `major` ones (New Year, Memorial Day, Independence Day, Labor Day,
 * Thanksgiving, Christmas) cut births by about a third; `minor` days next to them (Christmas
 * Eve, the 26th, New Year's Eve, the Friday after Thanksgiving) by less.
 */
export function holidaysOf(year: number): { major: Set<string>; minor: Set<string> } {
  // Memorial Day moved from May 30 to the last Monday of May in 1971.
  const memorial = year >= 1971 ? nthWeekday(year, 5, 1, -1) : 30;
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  const major = new Set([
    iso(year, 1, 1),
    iso(year, 5, memorial),
    iso(year, 7, 4),
    iso(year, 9, nthWeekday(year, 9, 1, 1)),
    iso(year, 11, thanksgiving),
    iso(year, 12, 25),
  ]);
  const minor = new Set([iso(year, 12, 24), iso(year, 12, 26), iso(year, 12, 31), iso(year, 11, thanksgiving + 1)]);
  return { major, minor };
}

const cache = new Map<number, { major: Set<string>; minor: Set<string> }>();

/** [major, minor] holiday flags of a date. */
export function holidayFlags(date: string): [number, number] {
  const year = Number(date.slice(0, 4));
  let holidays = cache.get(year);
  if (!holidays) cache.set(year, (holidays = holidaysOf(year)));
  return [holidays.major.has(date) ? 1 : 0, holidays.minor.has(date) ? 1 : 0];
}
