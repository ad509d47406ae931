// RMSprop, plain or centered, with momentum and L2 weight decay (PyTorch 1.13's torch.optim.RMSprop).
// g gradient (+ λp), p parameter, s square average, a gradient average (centered), b momentum buffer:
// s ← αs + (1 − α)g²;  d = √(s − a²) (centered, a ← αa + (1 − α)g) or √s, plus ε;  b ← μb + g/d, p ← p − ηb.

import { add, checkOptions, div, mul, neg, scope, sqrt, sub, type Tensor } from '@recur/tensor';
import { expectBoolean, expectNonNegative } from './checks.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface RMSpropOptions {
  /** η (default 1e-2). */
  readonly lr?: number;
  /** α, the smoothing constant (default 0.99). */
  readonly alpha?: number;
  /** ε (default 1e-8). */
  readonly eps?: number;
  readonly weightDecay?: number;
  /** μ (default 0). */
  readonly momentum?: number;
  /** Normalise by the estimated variance of g instead of its second moment (default false). */
  readonly centered?: boolean;
  readonly maximize?: boolean;
}

export interface RMSpropConfig {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export type RMSpropState = { step: number; square_avg: Tensor; momentum_buffer?: Tensor; grad_avg?: Tensor };

export class RMSprop extends Optimizer<RMSpropConfig, RMSpropState> {
  constructor(params: ParamsInput<RMSpropConfig>, options: RMSpropOptions = {}) {
    options = checkOptions('RMSprop', options, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize']);
    super('RMSprop', params, {
      lr: options.lr ?? 1e-2,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0,
      centered: options.centered ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected checkConfig(config: RMSpropConfig, where: string): void {
    expectNonNegative('RMSprop', 'lr', config.lr, where);
    expectNonNegative('RMSprop', 'eps', config.eps, where);
    expectNonNegative('RMSprop', 'momentum', config.momentum, where);
    expectNonNegative('RMSprop', 'weightDecay', config.weightDecay, where);
    expectNonNegative('RMSprop', 'alpha', config.alpha, where);
    expectBoolean('RMSprop', 'centered', config.centered, where);
    expectBoolean('RMSprop', 'maximize', config.maximize, where);
  }

  protected requiredState(group: ParamGroup<RMSpropConfig>): readonly string[] {
    return ['step', 'square_avg', ...(group.momentum > 0 ? ['momentum_buffer'] : []), ...(group.centered ? ['grad_avg'] : [])];
  }

  protected update(p: Tensor, grad: Tensor, group: ParamGroup<RMSpropConfig>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    let state = this.state.get(p);
    if (!state) {
      state = { step: 0, square_avg: this.zerosState(p) };
      this.state.set(p, state);
    }
    // Options switched on after earlier steps (or by loadStateDict) start their buffers at 0.
    if (momentum > 0 && !state.momentum_buffer) state.momentum_buffer = this.zerosState(p);
    if (centered && !state.grad_avg) state.grad_avg = this.zerosState(p);
    state.step += 1;
    const { square_avg: squareAvg, grad_avg: gradAvg, momentum_buffer: buffer } = state;
    scope(() => {
      let g = maximize ? neg(grad) : grad;
      if (weightDecay !== 0) g = add(g, mul(p, weightDecay));
      squareAvg.assign(add(mul(squareAvg, alpha), mul(mul(g, g), 1 - alpha)));
      let avg: Tensor;
      if (centered) {
        gradAvg!.assign(add(mul(gradAvg!, alpha), mul(g, 1 - alpha)));
        avg = sqrt(sub(squareAvg, mul(gradAvg!, gradAvg!)));
      } else {
        avg = sqrt(squareAvg);
      }
      avg = add(avg, eps);
      if (momentum > 0) {
        buffer!.assign(add(mul(buffer!, momentum), div(g, avg)));
        p.assign(sub(p, mul(buffer!, lr)));
      } else {
        p.assign(sub(p, mul(div(g, avg), lr)));
      }
    });
  }
}
