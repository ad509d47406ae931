// The segment task's config: the full run the README reports (8,000 of the 18,285 training
// examples, sized for a loaded 2-core CPU), and the `--quick` overrides: 1,500 short pieces.

import type { TaskConfig } from '@recur/sample-core';

export type SegmentConfig = TaskConfig & {
  /** Most characters per example: consecutive words are packed up to this length. */
  readonly maxLen: number;
  readonly embeddingDim: number;
  /** Per direction; the tagger's Linear reads both (2·hiddenSize). */
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly clipNorm: number;
  /** Characters seen fewer times than this in the training text share the unknown id. */
  readonly minCount: number;
  /** Train on this many examples drawn at random (seeded); 0 = all. */
  readonly trainLimit: number;
  /** Validate and test on the first this many examples of each split; 0 = all. */
  readonly evalLimit: number;
};

export const SEGMENT_DEFAULTS: SegmentConfig = {
  epochs: 3,
  batchSize: 32,
  lr: 0.005,
  seed: 0,
  maxLen: 48,
  embeddingDim: 24,
  hiddenSize: 64,
  numLayers: 1,
  clipNorm: 1,
  minCount: 3,
  trainLimit: 8000,
  evalLimit: 2000,
};

export const SEGMENT_QUICK: Partial<SegmentConfig> = {
  epochs: 3,
  lr: 0.01,
  maxLen: 32,
  embeddingDim: 16,
  hiddenSize: 24,
  trainLimit: 1500,
  evalLimit: 300,
};

export function checkSegmentConfig(config: SegmentConfig): string | null {
  for (const key of ['maxLen', 'embeddingDim', 'hiddenSize', 'numLayers', 'minCount'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) return `"${key}" must be a positive integer, got ${config[key]}`;
  }
  for (const key of ['trainLimit', 'evalLimit'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) return `"${key}" must be a non-negative integer, got ${config[key]}`;
  }
  if (!(config.clipNorm >= 0)) return `"clipNorm" must be 0 or more, got ${config.clipNorm}`;
  return null;
}
