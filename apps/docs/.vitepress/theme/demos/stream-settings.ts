// The streaming demo's defaults, apart from the learning code so the page can read them without
// bundling Recur into the main thread. P period, H hidden size, TBPTT(k1, k2).

import type { StreamSettings } from './protocol.js';

export const STREAM_DEFAULTS: StreamSettings = {
  values: 600,
  period: 12,
  noise: 0.5,
  hiddenSize: 12,
  lr: 0.01,
  k1: 4,
  k2: 16,
  intervalMs: 25,
};
