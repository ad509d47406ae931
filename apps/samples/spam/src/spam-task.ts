// The `spam` task: classify SpamAssassin e-mails (by their bodies) as spam or ham with an
// Embedding → LSTM/GRU → Linear model over packed sequences, against the majority class.

import { mulberry32, permutation } from '@recur/datasets';
import { loadSpamAssassin } from '@recur/datasets/corpora/spam-assassin';
import type { Task } from '@recur/sample-core';
import { SPAM_DEFAULTS, SPAM_QUICK, checkSpamConfig, type SpamConfig } from './spam-config.js';
import { SpamRun, type EncodedMessage } from './spam-run.js';
import { splitByCampaign } from './spam-split.js';
import { encoderFromJSON, fitEncoder } from './spam-text.js';

export const spamTask: Task<SpamConfig> = {
  name: 'spam',
  description:
    'Spam or ham on SpamAssassin e-mail bodies: Embedding → BiLSTM + attention pooling (or LSTM/GRU last state; packed) → Linear; accuracy/F1 vs majority class and TF-IDF + LR',
  defaultConfig: SPAM_DEFAULTS,
  quickConfig: SPAM_QUICK,
  metric: { name: 'f1', higherIsBetter: true },
  predictHelp: 'the text of an e-mail body (or - to read it from standard input)',
  checkConfig: checkSpamConfig,

  async create(config, options = {}) {
    // By campaign, not by the corpus's own hash of the raw message: see spam-split.ts.
    const corpus = splitByCampaign((await loadSpamAssassin()).all);
    const { duplicates, campaigns } = corpus.stats;
    options.report?.({
      event: 'note',
      level: 'info',
      message: `spam: split by campaign (${campaigns} distinct body openings, ${duplicates} repeated bodies dropped): train ${corpus.train.length}, validation ${corpus.validation.length}, test ${corpus.test.length}`,
    });
    // The corpus lists ham before spam, so a limited run takes a seeded random sample.
    const train =
      config.trainLimit > 0
        ? permutation(corpus.train.length, mulberry32(config.seed))
            .slice(0, config.trainLimit)
            .sort((a, b) => a - b)
            .map((i) => corpus.train[i]!)
        : corpus.train;
    // The vocabulary (or BPE) is learned from the training messages only; a checkpoint carries its own.
    const encoder =
      encoderFromJSON(options.state) ??
      fitEncoder(
        config.tokenizer,
        train.map((m) => m.body),
        config.vocabSize,
        config.maxTokens,
      );
    const encode = (messages: readonly { body: string; target: number }[]): EncodedMessage[] =>
      messages.map((m) => ({ ids: encoder.encode(m.body, config.maxTokens), target: m.target }));
    // The TF-IDF baseline reads the same tokens as the model: each body's first maxTokens.
    const tokenise = (messages: readonly { body: string; target: number }[]) =>
      messages.map((m) => ({ tokens: encoder.pieces(m.body, config.maxTokens), target: m.target }));
    return new SpamRun(
      config,
      {
        train: encode(train),
        validation: encode(corpus.validation),
        test: encode(corpus.test),
        tokens: { train: tokenise(train), validation: tokenise(corpus.validation), test: tokenise(corpus.test) },
      },
      encoder,
    );
  },
};
