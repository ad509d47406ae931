// The births demo's defaults, apart from the training code so the page can read them without
// bundling Recur into the main thread. L lookback days, H hidden size, B batch.

import type { ForecastSettings } from './protocol.js';

/** The log that holds the held-out error (births per day), shown as the epoch's validation. */
export const FORECAST_VALIDATION = 'mae';

export const FORECAST_DEFAULTS: ForecastSettings = { epochs: 8, lookback: 14, hiddenSize: 24, batchSize: 64, lr: 0.01 };
