// The `charlm` task: a character language model on Moby Dick (Embedding → LSTM → Linear,
// truncated BPTT with carried state), perplexity against a unigram model; `recur generate`
// samples from its checkpoints.

import { loadMobyDick } from '@recur/datasets/corpora/moby-dick';
import type { Task } from '@recur/sample-core';
import { CHARLM_DEFAULTS, CHARLM_QUICK, checkCharLmConfig, type CharLmConfig } from './charlm-config.js';
import { CharLmRun } from './charlm-run.js';
import { CharVocab } from './charlm-text.js';

/** Sections of one split as one text, a blank line between them as in the book. */
const joinText = (sections: readonly { text: string }[]) => sections.map((s) => s.text).join('\n\n');

export const charlmTask: Task<CharLmConfig> = {
  name: 'charlm',
  description:
    'Character language model on Moby Dick: Embedding → LSTM (truncated BPTT, carried state) → Linear; perplexity vs a unigram model',
  defaultConfig: CHARLM_DEFAULTS,
  quickConfig: CHARLM_QUICK,
  metric: { name: 'perplexity', higherIsBetter: false },
  predictHelp: 'a prompt to continue (nothing: the opening line); recur generate has --length, --temperature, --seed',
  checkConfig: checkCharLmConfig,

  async create(config, options = {}) {
    const book = await loadMobyDick();
    const full = joinText(book.train);
    const train = config.trainChars > 0 ? full.slice(0, config.trainChars) : full;
    // The vocabulary comes from the training text only; a checkpoint carries its own.
    const vocab = CharVocab.fromJSON(options.state) ?? CharVocab.fit(train, config.minCount);
    const splits = {
      train: vocab.encode(train),
      validation: vocab.encode(joinText(book.validation)),
      test: vocab.encode(joinText(book.test)),
    };
    return new CharLmRun(config, splits, vocab);
  },
};
