// Losses as functions (torch.nn.functional's semantics, camelCase options), composed from tensor
// ops so autograd gives their gradients. N batch, C classes throughout.

export type { Reduction } from './reduction.js';
export { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
export { nllLoss, type NLLLossOptions } from './nll-loss.js';
export {
  mseLoss,
  l1Loss,
  smoothL1Loss,
  huberLoss,
  type RegressionLossOptions,
  type SmoothL1LossOptions,
  type HuberLossOptions,
} from './regression.js';
export { bceWithLogits, type BCEWithLogitsOptions } from './bce.js';
