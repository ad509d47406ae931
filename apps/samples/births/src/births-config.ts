// The births task's config: the full run the README reports, and the `--quick` overrides that
// train a tiny model on the last three training years in a few seconds.

import type { TaskConfig } from '@recur/sample-core';
import { SEASON } from './births-data.js';

export type BirthsConfig = TaskConfig & {
  /** L: days the LSTM reads. */
  readonly lookback: number;
  /** K: days forecast at once (1–7, so seasonal-naive never needs an unseen day). */
  readonly horizon: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  /** StepLR: multiply the lr by lrGamma every lrStepSize epochs. */
  readonly lrStepSize: number;
  readonly lrGamma: number;
  /** Max gradient norm; 0 turns clipping off. */
  readonly clipNorm: number;
  /** Train on the last this many years of the 1969–1984 train split; 0 = all of it. */
  readonly trainYears: number;
  /** Dropout on the LSTM's last hidden state (and between stacked layers). */
  readonly dropout: number;
  /** Seed-ensemble members inside the model, each trained on its own loss; the forecast is their mean. */
  readonly members: number;
  /** Start each head's highway weights at the ridge baseline's solution (else PyTorch's default init). */
  readonly ridgeInit: boolean;
  /** Early stopping: end with the weights of the epoch with the best validation MAE. */
  readonly restoreBest: boolean;
};

export const BIRTHS_DEFAULTS: BirthsConfig = {
  epochs: 30,
  batchSize: 64,
  lr: 0.003,
  seed: 0,
  lookback: 28,
  horizon: 7,
  hiddenSize: 32,
  numLayers: 1,
  lrStepSize: 10,
  lrGamma: 0.5,
  clipNorm: 1,
  trainYears: 0,
  dropout: 0.2,
  members: 3,
  ridgeInit: false,
  restoreBest: true,
};

export const BIRTHS_QUICK: Partial<BirthsConfig> = {
  epochs: 3,
  lookback: 14,
  hiddenSize: 16,
  trainYears: 3,
  batchSize: 32,
  lr: 0.01,
  members: 1,
};

export function checkBirthsConfig(config: BirthsConfig): string | null {
  const positive = ['lookback', 'hiddenSize', 'numLayers', 'lrStepSize', 'members'] as const;
  for (const key of positive) {
    if (!Number.isInteger(config[key]) || config[key] < 1) return `"${key}" must be a positive integer, got ${config[key]}`;
  }
  if (!Number.isInteger(config.horizon) || config.horizon < 1 || config.horizon > SEASON) {
    return `"horizon" must be an integer from 1 to ${SEASON}, got ${config.horizon}`;
  }
  if (config.lookback < SEASON) return `"lookback" must be at least ${SEASON} (seasonal-naive reads a week back), got ${config.lookback}`;
  if (!(config.lrGamma > 0 && config.lrGamma <= 1)) return `"lrGamma" must be in (0, 1], got ${config.lrGamma}`;
  if (!(config.clipNorm >= 0)) return `"clipNorm" must be 0 or more, got ${config.clipNorm}`;
  if (!Number.isInteger(config.trainYears) || config.trainYears < 0)
    return `"trainYears" must be a non-negative integer, got ${config.trainYears}`;
  if (!(config.dropout >= 0 && config.dropout < 1)) return `"dropout" must be in [0, 1), got ${config.dropout}`;
  for (const key of ['ridgeInit', 'restoreBest'] as const) {
    if (typeof config[key] !== 'boolean') return `"${key}" must be true or false, got ${JSON.stringify(config[key])}`;
  }
  return null;
}
