// The charlm task's config: the full run the README reports, and the `--quick` overrides that
// train a tiny model on the first 60k characters of the book in seconds.

import type { TaskConfig } from '@recur/sample-core';

export type CharLmConfig = TaskConfig & {
  /** Characters per truncated-BPTT chunk: gradients flow this far back, the state further. */
  readonly seqLen: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  /** Between stacked LSTM layers (0 with one layer). */
  readonly dropout: number;
  readonly clipNorm: number;
  /** Train on the first this many characters of the training text; 0 = all. */
  readonly trainChars: number;
  /** Validation and test perplexity over the first this many characters; 0 = all. */
  readonly evalChars: number;
  /** Characters seen fewer times than this in the training text share one unknown id. */
  readonly minCount: number;
};

export const CHARLM_DEFAULTS: CharLmConfig = {
  epochs: 3,
  batchSize: 32,
  lr: 0.003,
  seed: 0,
  seqLen: 64,
  embeddingDim: 32,
  hiddenSize: 128,
  numLayers: 1,
  dropout: 0,
  clipNorm: 1,
  trainChars: 0,
  evalChars: 50_000,
  minCount: 5,
};

export const CHARLM_QUICK: Partial<CharLmConfig> = {
  epochs: 2,
  batchSize: 16,
  seqLen: 32,
  embeddingDim: 16,
  hiddenSize: 48,
  trainChars: 60_000,
  evalChars: 8_000,
  lr: 0.01,
};

export function checkCharLmConfig(config: CharLmConfig): string | null {
  for (const key of ['seqLen', 'embeddingDim', 'hiddenSize', 'numLayers', 'minCount'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) return `"${key}" must be a positive integer, got ${config[key]}`;
  }
  for (const key of ['trainChars', 'evalChars'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) return `"${key}" must be a non-negative integer, got ${config[key]}`;
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) return `"dropout" must be in [0, 1), got ${config.dropout}`;
  if (!(config.clipNorm >= 0)) return `"clipNorm" must be 0 or more, got ${config.clipNorm}`;
  return null;
}
