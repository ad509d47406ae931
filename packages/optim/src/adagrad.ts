// Adagrad with learning-rate decay and L2 weight decay (PyTorch 1.13's torch.optim.Adagrad).
// g gradient (+ λp), p parameter, s sum of squares (starts at initialAccumulatorValue), t step:
// clr = η / (1 + (t − 1)·lrDecay);  s ← s + g²;  p ← p − clr · g / (√s + ε).

import { add, checkOptions, div, mul, neg, scope, sqrt, sub, type Tensor } from '@recur/tensor';
import { expectBoolean, expectNonNegative } from './checks.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface AdagradOptions {
  /** η (default 1e-2). */
  readonly lr?: number;
  readonly lrDecay?: number;
  readonly weightDecay?: number;
  /** The starting value of s (default 0). */
  readonly initialAccumulatorValue?: number;
  /** ε (default 1e-10). */
  readonly eps?: number;
  readonly maximize?: boolean;
}

export interface AdagradConfig {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export type AdagradState = { step: number; sum: Tensor };

export class Adagrad extends Optimizer<AdagradConfig, AdagradState> {
  constructor(params: ParamsInput<AdagradConfig>, options: AdagradOptions = {}) {
    options = checkOptions('Adagrad', options, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps', 'maximize']);
    super('Adagrad', params, {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      eps: options.eps ?? 1e-10,
      maximize: options.maximize ?? false,
    });
  }

  protected checkConfig(config: AdagradConfig, where: string): void {
    expectNonNegative('Adagrad', 'lr', config.lr, where);
    expectNonNegative('Adagrad', 'lrDecay', config.lrDecay, where);
    expectNonNegative('Adagrad', 'weightDecay', config.weightDecay, where);
    expectNonNegative('Adagrad', 'initialAccumulatorValue', config.initialAccumulatorValue, where);
    expectNonNegative('Adagrad', 'eps', config.eps, where);
    expectBoolean('Adagrad', 'maximize', config.maximize, where);
  }

  protected requiredState(): readonly string[] {
    return ['step', 'sum'];
  }

  /** PyTorch creates Adagrad's state with the optimizer, so it is in the state dict at once. */
  protected override initGroup(group: ParamGroup<AdagradConfig>): void {
    for (const p of group.params) this.initState(p, group);
  }

  private initState(p: Tensor, group: ParamGroup<AdagradConfig>): AdagradState {
    const state = { step: 0, sum: this.zerosState(p, group.initialAccumulatorValue) };
    this.state.set(p, state);
    return state;
  }

  protected update(p: Tensor, grad: Tensor, group: ParamGroup<AdagradConfig>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    const state = this.state.get(p) ?? this.initState(p, group);
    state.step += 1;
    const clr = lr / (1 + (state.step - 1) * lrDecay);
    scope(() => {
      let g = maximize ? neg(grad) : grad;
      if (weightDecay !== 0) g = add(g, mul(p, weightDecay));
      state.sum.assign(add(state.sum, mul(g, g)));
      const std = add(sqrt(state.sum), eps);
      p.assign(sub(p, mul(div(g, std), clr)));
    });
  }
}
