// Elementwise regression losses on input x and target t of one shape: MSE, L1, smooth L1 (beta)
// and Huber (delta), with PyTorch's definitions. d = x - t is the residual, z = |d| its size.

import { ValueError, abs, checkOptions, mul, scope, square, sub, where, lt, type Tensor } from '@recur/tensor';
import { checkReduction, checkSameShape, reduceLoss, type Reduction } from './reduction.js';

export interface RegressionLossOptions {
  /** 'mean' (default) over every element, 'sum', or 'none' for the elementwise losses. */
  readonly reduction?: Reduction;
}

export interface SmoothL1LossOptions extends RegressionLossOptions {
  /** Where the loss turns from quadratic to linear (default 1); 0 gives the L1 loss. */
  readonly beta?: number;
}

export interface HuberLossOptions extends RegressionLossOptions {
  /** Where the loss turns from quadratic to linear (default 1); must be positive. */
  readonly delta?: number;
}

/** Mean squared error (torch.nn.functional.mse_loss): l = (x - t)². */
export function mseLoss(input: Tensor, target: Tensor, options: RegressionLossOptions = {}): Tensor {
  checkOptions('mseLoss', options, ['reduction']);
  const reduction = checkReduction('mseLoss', options.reduction);
  checkSameShape('mseLoss', input, target);
  return scope(() => reduceLoss(square(sub(input, target)), reduction));
}

/** Mean absolute error (torch.nn.functional.l1_loss): l = |x - t|. */
export function l1Loss(input: Tensor, target: Tensor, options: RegressionLossOptions = {}): Tensor {
  checkOptions('l1Loss', options, ['reduction']);
  const reduction = checkReduction('l1Loss', options.reduction);
  checkSameShape('l1Loss', input, target);
  return scope(() => reduceLoss(abs(sub(input, target)), reduction));
}

/**
 * Smooth L1 (torch.nn.functional.smooth_l1_loss): l = 0.5·z²/beta where z < beta, else
 * z - 0.5·beta, with z = |x - t|.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const op = 'smoothL1Loss';
  checkOptions(op, options, ['reduction', 'beta']);
  const reduction = checkReduction(op, options.reduction);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new ValueError(`${op}: beta must be non-negative; got ${beta}`);
  checkSameShape(op, input, target);
  return scope(() => {
    const residual = sub(input, target);
    const size = abs(residual);
    // beta = 0 would divide by zero in the quadratic part, which is then empty anyway.
    if (beta === 0) return reduceLoss(size, reduction);
    const loss = where(lt(size, beta), mul(square(residual), 0.5 / beta), sub(size, 0.5 * beta));
    return reduceLoss(loss, reduction);
  });
}

/**
 * Huber loss (torch.nn.functional.huber_loss): l = 0.5·z² where z < delta, else
 * delta·(z - 0.5·delta), with z = |x - t| (delta times smooth L1 with beta = delta).
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const op = 'huberLoss';
  checkOptions(op, options, ['reduction', 'delta']);
  const reduction = checkReduction(op, options.reduction);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new ValueError(`${op}: delta must be positive; got ${delta}`);
  checkSameShape(op, input, target);
  return scope(() => {
    const residual = sub(input, target);
    const size = abs(residual);
    const loss = where(lt(size, delta), mul(square(residual), 0.5), mul(sub(size, 0.5 * delta), delta));
    return reduceLoss(loss, reduction);
  });
}
