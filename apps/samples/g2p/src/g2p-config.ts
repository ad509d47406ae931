// The g2p task's config: the full run the README reports, and the `--quick` overrides that train
// a tiny encoder–decoder on a few thousand words in seconds. E embedding size, H hidden size.

import type { TaskConfig } from '@recur/sample-core';

export type G2pConfig = TaskConfig & {
  readonly embeddingDim: number;
  /** H: the encoder's and the decoder's LSTM size (the decoder starts from the encoder's (h, c)). */
  readonly hiddenSize: number;
  /** A bidirectional encoder (H/2 per direction, their states side by side) or one direction of H. */
  readonly bidirectional: boolean;
  /** `additive` (Bahdanau: vᵀ·tanh(W_q·h + W_k·k)) or `dot` (Luong: h·k). */
  readonly attention: string;
  /** On the decoder's attentional vector before the output layer, in training only. */
  readonly dropout: number;
  readonly clipNorm: number;
  /** Keep the vowels' stress digits (AH0, EY1: 69 symbols in use) or drop them (39 phonemes). */
  readonly stress: boolean;
  /** Training words with more letters or phonemes than this are left out (validation and test keep all). */
  readonly maxLength: number;
  /** Train on a seeded sample of this many words; 0 = all. */
  readonly trainLimit: number;
  /** Validation metrics each epoch on the first this many words (greedy); 0 = all. */
  readonly validationLimit: number;
  /** Test on the first this many words; 0 = the whole test split. */
  readonly testLimit: number;
  /** Beam width for the test metrics and predict; 1 = greedy. */
  readonly beamSize: number;
  readonly lrStepSize: number;
  readonly lrGamma: number;
};

export const G2P_ATTENTIONS = ['additive', 'dot'] as const;
export type G2pAttention = (typeof G2P_ATTENTIONS)[number];

// The full run: every training word (99,231) three times through a BiLSTM encoder, the learning
// rate halved after each pass; about 35 minutes on 2 CPU cores shared with other jobs (README).
export const G2P_DEFAULTS: G2pConfig = {
  epochs: 3,
  batchSize: 64,
  lr: 0.005,
  seed: 0,
  embeddingDim: 48,
  hiddenSize: 128,
  bidirectional: true,
  attention: 'additive',
  dropout: 0.1,
  clipNorm: 1,
  stress: false,
  maxLength: 20,
  trainLimit: 0,
  validationLimit: 2_000,
  testLimit: 0,
  beamSize: 4,
  lrStepSize: 1,
  lrGamma: 0.5,
};

export const G2P_QUICK: Partial<G2pConfig> = {
  epochs: 3,
  batchSize: 32,
  lr: 0.01,
  embeddingDim: 16,
  hiddenSize: 48,
  dropout: 0,
  trainLimit: 3_000,
  validationLimit: 300,
  testLimit: 500,
  beamSize: 2,
  // No decay in the smoke run's 3 epochs.
  lrStepSize: 4,
};

export function checkG2pConfig(config: G2pConfig): string | null {
  for (const key of ['embeddingDim', 'hiddenSize', 'maxLength', 'beamSize', 'lrStepSize'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) return `"${key}" must be a positive integer, got ${config[key]}`;
  }
  for (const key of ['trainLimit', 'validationLimit', 'testLimit'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) return `"${key}" must be a non-negative integer, got ${config[key]}`;
  }
  if (typeof config.bidirectional !== 'boolean')
    return `"bidirectional" must be true or false, got ${JSON.stringify(config.bidirectional)}`;
  if (config.bidirectional && config.hiddenSize % 2 !== 0)
    return `"hiddenSize" must be even with "bidirectional": true (H/2 per direction), got ${config.hiddenSize}`;
  if (!(G2P_ATTENTIONS as readonly string[]).includes(config.attention)) {
    return `"attention" must be one of ${G2P_ATTENTIONS.join(', ')}, got ${JSON.stringify(config.attention)}`;
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) return `"dropout" must be in [0, 1), got ${config.dropout}`;
  if (!(config.clipNorm >= 0)) return `"clipNorm" must be 0 or more, got ${config.clipNorm}`;
  if (!(config.lrGamma > 0 && config.lrGamma <= 1)) return `"lrGamma" must be in (0, 1], got ${config.lrGamma}`;
  return null;
}
