// @recur/sample-spam: the `spam` task (SpamAssassin classification with a packed LSTM/GRU) for
// the `recur` CLI, and its parts for use as a code example.

export { spamTask } from './spam-task.js';
export { SPAM_DEFAULTS, SPAM_QUICK, type SpamConfig } from './spam-config.js';
export { SpamClassifier, type SpamModelOptions, type SpamPooling } from './spam-model.js';
export { SpamEnsemble } from './spam-ensemble.js';
export { attentionSummary, colourByAttention, mostAttended, type AttendedToken } from './spam-attention.js';
export { SpamRun, type EncodedMessage, type SpamSplits } from './spam-run.js';
export { classificationMetrics } from './spam-metrics.js';
export { TFIDF_BASELINE_NAME, tfidfLogisticBaseline, type BaselineResult, type TokenisedMessage } from './spam-baseline.js';
export { CAMPAIGN_TOKENS, campaignKey, firstWords, splitByCampaign, type SpamMessage, type SpamSplitStats } from './spam-split.js';
export { encoderFromJSON, fitEncoder, type TextEncoder } from './spam-text.js';
export { exportSpamOnnx } from './spam-onnx.js';
