// The name classifier demo's defaults, apart from the training code so the page can read them
// without bundling Recur into the main thread. E embedding size, H hidden size, B batch.

import type { NamesSettings } from './protocol.js';

/** The log that holds the validation accuracy, shown as the epoch's validation. */
export const NAMES_VALIDATION = 'accuracy';

export const NAMES_DEFAULTS: NamesSettings = { epochs: 6, embeddingDim: 16, hiddenSize: 32, batchSize: 64, lr: 0.01 };
