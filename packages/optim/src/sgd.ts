// SGD with momentum, dampening, Nesterov and L2 weight decay (PyTorch 1.13's torch.optim.SGD).
// g gradient, p parameter, b momentum buffer, μ momentum, τ dampening, λ weight decay, η lr:
// g ← g + λp;  b ← g at the first step, else μb + (1 − τ)g;  g ← nesterov ? g + μb : b;  p ← p − ηg.

import { ValueError, add, checkOptions, clone, keep, mul, neg, scope, sub, type Tensor } from '@recur/tensor';
import { expectBoolean, expectNonNegative } from './checks.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  /** η. SGD has no default: give it here or in every group. */
  readonly lr?: number;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
  readonly maximize?: boolean;
}

export interface SGDConfig {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export type SGDState = { momentum_buffer?: Tensor };

const SGD_OPTIONS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'];

export class SGD extends Optimizer<SGDConfig, SGDState> {
  constructor(params: ParamsInput<SGDConfig>, options: SGDOptions = {}) {
    options = checkOptions('SGD', options, SGD_OPTIONS);
    // NaN below stands for "not given"; a NaN the caller passes is an invalid lr.
    if (options.lr !== undefined) expectNonNegative('SGD', 'lr', options.lr, 'options');
    super('SGD', params, {
      // NaN stands for PyTorch's `required`: a group without its own lr then fails the check.
      lr: options.lr ?? Number.NaN,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected checkConfig(config: SGDConfig, where: string): void {
    // The defaults may leave lr out (PyTorch's `required`) as long as every group sets one.
    if (Number.isNaN(config.lr) && typeof config.lr === 'number') {
      if (where === 'options') return this.checkRest(config, where);
      throw new ValueError(
        `SGD: lr is required: give it in the options (new SGD(params, { lr })) or in every parameter group; ${where} has none`,
      );
    }
    expectNonNegative('SGD', 'lr', config.lr, where);
    this.checkRest(config, where);
  }

  private checkRest(config: SGDConfig, where: string): void {
    expectNonNegative('SGD', 'momentum', config.momentum, where);
    expectNonNegative('SGD', 'dampening', config.dampening, where);
    expectNonNegative('SGD', 'weightDecay', config.weightDecay, where);
    expectBoolean('SGD', 'nesterov', config.nesterov, where);
    expectBoolean('SGD', 'maximize', config.maximize, where);
    if (config.nesterov && (config.momentum <= 0 || config.dampening !== 0)) {
      throw new ValueError(
        `SGD: nesterov (${where}) expects momentum > 0 and dampening 0; got momentum ${config.momentum}, dampening ${config.dampening}`,
      );
    }
  }

  protected requiredState(): readonly string[] {
    return [];
  }

  protected update(p: Tensor, grad: Tensor, group: ParamGroup<SGDConfig>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    scope(() => {
      let g = maximize ? neg(grad) : grad;
      if (weightDecay !== 0) g = add(g, mul(p, weightDecay));
      if (momentum !== 0) {
        const state = this.state.get(p) ?? {};
        this.state.set(p, state);
        const buffer = state.momentum_buffer;
        if (!buffer) {
          state.momentum_buffer = keep(clone(g));
        } else {
          buffer.assign(add(mul(buffer, momentum), mul(g, 1 - dampening)));
        }
        const b = state.momentum_buffer!;
        g = nesterov ? add(g, mul(b, momentum)) : b;
      }
      p.assign(sub(p, mul(g, lr)));
    });
  }
}
