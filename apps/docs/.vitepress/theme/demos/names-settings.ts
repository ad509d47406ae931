// The name classifier demo's defaults, apart from the training code so the page can read them
// without bundling Recur into the main thread. E embedding size, H hidden size, B batch.

import type { NamesSettings } from './protocol.js';

export const NAMES_DEFAULTS: NamesSettings = { epochs: 6, embeddingDim: 16, hiddenSize: 32, batchSize: 64, lr: 0.01 };
