/**
 * Real corpora read from npm packages (optional peer dependencies), each behind its own entry
 * point: `@recur/datasets/corpora/births`, `…/first-names`, `…/cmudict`, `…/moby-dick` and
 * `…/spam-assassin`. Each loader returns `{ all, train, validation, test }`.
 *
 * @packageDocumentation
 * @module @recur/datasets/corpora
 */

export { CorpusNotInstalledError, BIRTHS_SPLIT_YEARS, loadBirths, type BirthsRecord } from '@recur/datasets/corpora/births';
export {
  FIRST_NAMES_SPLIT,
  FIRST_NAME_CLASSES,
  loadFirstNames,
  type FirstNameRecord,
  type FirstNamesOptions,
  type NameSex,
} from '@recur/datasets/corpora/first-names';
export { CMUDICT_SPLIT, loadCmudict, type CmudictCorpus, type CmudictRecord } from '@recur/datasets/corpora/cmudict';
export { MOBY_DICK_SPLIT, loadMobyDick, type MobyDickRecord } from '@recur/datasets/corpora/moby-dick';
export {
  SPAM_ASSASSIN_CLASSES,
  SPAM_ASSASSIN_SPLIT,
  loadSpamAssassin,
  type SpamAssassinGroup,
  type SpamAssassinRecord,
} from '@recur/datasets/corpora/spam-assassin';
