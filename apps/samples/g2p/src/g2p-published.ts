// The g2p task's strong baselines: published CMUdict figures, not computed on this sample's split
// (no simple classical g2p comes close enough to be worth computing here). Each name states the
// system, the dictionary and split, stress handling, the scoring rule, and that it is published.

import type { Metrics } from '@recur/sample-core';

/**
 * Word error rates on the latest CMUdict with stress removed, a word counted right when the
 * output matches any of its listed pronunciations — the setting closest to this sample's default
 * (stress dropped, `wer_any`), so they sit under `wer_any`. Source: the CMUSphinx g2p-seq2seq
 * README (its own LSTM and its Phonetisaurus baseline on the same split, about 12,000 test words).
 */
export const PUBLISHED_BASELINES: Readonly<Record<string, Metrics>> = {
  'g2p-seq2seq LSTM 2×512, latest CMUdict, no stress, any-match (published, not our split)': { wer_any: 0.311 },
  'Phonetisaurus WFST, latest CMUdict, no stress, any-match (published, not our split)': { wer_any: 0.3389 },
};
