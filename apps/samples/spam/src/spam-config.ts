// The spam task's config: the full run the README reports (a BiLSTM with attention pooling and
// dropout, 8 epochs, the best validation epoch kept; each choice made on the validation split), and
// the `--quick` overrides that train a tiny last-state LSTM on 600 messages' first 24 tokens in seconds.

import type { TaskConfig } from '@recur/sample-core';

export type SpamConfig = TaskConfig & {
  /** 'word' (lower-cased words, Vocab with <PAD>=0, <UNK>=1) or 'bpe' (byte-level BPE trained on the train split). */
  readonly tokenizer: string;
  /** Vocabulary size: Vocab maxSize (specials included) or the BPE's vocabSize. */
  readonly vocabSize: number;
  /** Tokens kept from the start of each message body. */
  readonly maxTokens: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  /** 'lstm' or 'gru'. */
  readonly cell: string;
  /**
   * 'last': the last step's state feeds the classifier; 'attention': a bidirectional layer and
   * additive attention over its states (padding masked), whose weights `recur predict` shows.
   */
  readonly pooling: string;
  readonly lrStepSize: number;
  readonly lrGamma: number;
  readonly clipNorm: number;
  /** Train on the first this many training messages; 0 = all. */
  readonly trainLimit: number;
  /** Dropout probability on the embeddings and on the pooled features (training only). */
  readonly dropout: number;
  /** Seed-ensemble members in one model, each trained on its own loss; predictions average their probabilities. */
  readonly members: number;
  /** Keep the weights of the epoch with the best validation F1 at the end. */
  readonly restoreBest: boolean;
};

export const SPAM_DEFAULTS: SpamConfig = {
  epochs: 8,
  batchSize: 32,
  lr: 0.003,
  seed: 0,
  tokenizer: 'word',
  vocabSize: 8000,
  maxTokens: 128,
  embeddingDim: 32,
  hiddenSize: 32,
  numLayers: 1,
  cell: 'lstm',
  pooling: 'attention',
  lrStepSize: 3,
  lrGamma: 0.5,
  clipNorm: 1,
  trainLimit: 0,
  dropout: 0.2,
  members: 1,
  restoreBest: true,
};

export const SPAM_QUICK: Partial<SpamConfig> = {
  epochs: 3,
  maxTokens: 24,
  embeddingDim: 16,
  hiddenSize: 16,
  vocabSize: 2000,
  trainLimit: 600,
  lr: 0.01,
  // Last-state pooling: the tiny run stays a few seconds and ONNX-exportable (export covers last-state pooling).
  pooling: 'last',
};

export function checkSpamConfig(config: SpamConfig): string | null {
  if (config.tokenizer !== 'word' && config.tokenizer !== 'bpe')
    return `"tokenizer" must be "word" or "bpe", got ${JSON.stringify(config.tokenizer)}`;
  if (config.cell !== 'lstm' && config.cell !== 'gru') return `"cell" must be "lstm" or "gru", got ${JSON.stringify(config.cell)}`;
  // Absent in checkpoints saved before the option existed: those pooled the last state.
  if (config.pooling !== undefined && config.pooling !== 'last' && config.pooling !== 'attention')
    return `"pooling" must be "last" or "attention", got ${JSON.stringify(config.pooling)}`;
  for (const key of ['maxTokens', 'embeddingDim', 'hiddenSize', 'numLayers', 'lrStepSize'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) return `"${key}" must be a positive integer, got ${config[key]}`;
  }
  const minimum = config.tokenizer === 'bpe' ? 257 : 3;
  if (!Number.isInteger(config.vocabSize) || config.vocabSize < minimum) {
    return `"vocabSize" must be an integer of at least ${minimum} for the ${config.tokenizer} tokenizer, got ${config.vocabSize}`;
  }
  if (!(config.lrGamma > 0 && config.lrGamma <= 1)) return `"lrGamma" must be in (0, 1], got ${config.lrGamma}`;
  if (!(config.clipNorm >= 0)) return `"clipNorm" must be 0 or more, got ${config.clipNorm}`;
  if (!Number.isInteger(config.trainLimit) || config.trainLimit < 0)
    return `"trainLimit" must be a non-negative integer, got ${config.trainLimit}`;
  // dropout, members and restoreBest are absent in checkpoints saved before them: 0, 1 and false.
  if (config.dropout !== undefined && !(config.dropout >= 0 && config.dropout < 1))
    return `"dropout" must be in [0, 1), got ${config.dropout}`;
  if (config.members !== undefined && (!Number.isInteger(config.members) || config.members < 1))
    return `"members" must be a positive integer, got ${config.members}`;
  if (config.restoreBest !== undefined && typeof config.restoreBest !== 'boolean')
    return `"restoreBest" must be true or false, got ${JSON.stringify(config.restoreBest)}`;
  return null;
}
