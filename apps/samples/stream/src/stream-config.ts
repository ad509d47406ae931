// The stream task's config: batch training by truncated BPTT over the training years (the rows
// of a batch are consecutive stretches of the series), and the online learning that follows on
// the stream; `--quick` trains a small model on the last four training years in seconds.

import type { TaskConfig } from '@recur/sample-core';

export type StreamConfig = TaskConfig & {
  readonly hiddenSize: number;
  readonly numLayers: number;
  /** Batch training: steps per TBPTT chunk (k1 = k2). */
  readonly seqLen: number;
  /** Max gradient norm in batch training; 0 turns clipping off. */
  readonly clipNorm: number;
  /** Train on the last this many years of the 1969–1984 train split; 0 = all of it. */
  readonly trainYears: number;
  /** Online learning on the stream: Adam's lr, TBPTT k1 (values between updates) and k2 (values back). */
  readonly onlineLr: number;
  readonly onlineK1: number;
  readonly onlineK2: number;
  readonly onlineClipNorm: number;
};

export const STREAM_DEFAULTS: StreamConfig = {
  epochs: 30,
  batchSize: 8,
  lr: 0.003,
  seed: 0,
  hiddenSize: 32,
  numLayers: 1,
  seqLen: 28,
  clipNorm: 1,
  trainYears: 0,
  onlineLr: 0.0003,
  onlineK1: 7,
  onlineK2: 28,
  onlineClipNorm: 1,
};

export const STREAM_QUICK: Partial<StreamConfig> = {
  epochs: 4,
  hiddenSize: 16,
  trainYears: 4,
  batchSize: 8,
  lr: 0.01,
};

export function checkStreamConfig(config: StreamConfig): string | null {
  for (const key of ['hiddenSize', 'numLayers', 'seqLen', 'onlineK1', 'onlineK2'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) return `"${key}" must be a positive integer, got ${config[key]}`;
  }
  if (config.onlineK2 < config.onlineK1) return `"onlineK2" must be at least "onlineK1" (${config.onlineK1}), got ${config.onlineK2}`;
  if (!(config.onlineLr > 0)) return `"onlineLr" must be positive, got ${config.onlineLr}`;
  for (const key of ['clipNorm', 'onlineClipNorm'] as const) {
    if (!(config[key] >= 0)) return `"${key}" must be 0 or more, got ${config[key]}`;
  }
  if (!Number.isInteger(config.trainYears) || config.trainYears < 0)
    return `"trainYears" must be a non-negative integer, got ${config.trainYears}`;
  return null;
}
