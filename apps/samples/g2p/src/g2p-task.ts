// The `g2p` task: spelling → phonemes on CMUdict with an LSTM encoder–decoder (the encoder's
// (h, c) starts the decoder), teacher forcing, additive or dot attention, greedy and beam search;
// PER, WER and BLEU against per-letter rules.

import { loadCmudict } from '@recur/datasets/corpora/cmudict';
import type { Task } from '@recur/sample-core';
import { pronunciationsByWord } from './g2p-any-match.js';
import { fitLetterRules } from './g2p-baseline.js';
import { G2P_DEFAULTS, G2P_QUICK, checkG2pConfig, type G2pConfig } from './g2p-config.js';
import { G2pVocab, g2pPairs, sample, type G2pPair } from './g2p-data.js';
import { G2pRun } from './g2p-run.js';

export const g2pTask: Task<G2pConfig> = {
  name: 'g2p',
  description: 'Spelling → phonemes on CMUdict: LSTM encoder–decoder with attention, greedy/beam search; PER/WER/BLEU vs letter rules',
  defaultConfig: G2P_DEFAULTS,
  quickConfig: G2P_QUICK,
  metric: { name: 'per', higherIsBetter: false },
  predictHelp: 'a word spelled with letters A–Z, e.g. PYTHON (or - for one word per line on standard input)',
  checkConfig: checkG2pConfig,

  async create(config, options = {}) {
    const corpus = await loadCmudict();
    const train = sample(g2pPairs(corpus.train, { stress: config.stress, maxLength: config.maxLength }), config.trainLimit, config.seed);
    // The vocabularies come from the training words only; a checkpoint carries its own.
    const vocab = G2pVocab.fromJSON(options.state) ?? G2pVocab.fit(train);
    const encode = (pairs: readonly G2pPair[]) => pairs.map((p) => vocab.encode(p));
    const splits = {
      train: encode(train),
      validation: encode(g2pPairs(corpus.validation, { stress: config.stress })),
      test: encode(g2pPairs(corpus.test, { stress: config.stress })),
    };
    return new G2pRun(config, splits, vocab, fitLetterRules(train), pronunciationsByWord(corpus.test, config.stress));
  },
};
