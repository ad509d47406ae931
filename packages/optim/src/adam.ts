// Adam and AdamW (PyTorch 1.13), through the backend's fused `adamStep` when it has one.
// g gradient, p parameter, m and v first and second moments, t step (from 1), η lr, λ weight decay:
// m ← β1m + (1 − β1)g;  v ← β2v + (1 − β2)g²;  p ← p − η/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + ε).

import {
  checkOptions,
  BackendError,
  add,
  backendOf,
  div,
  kernelView,
  maximum,
  mul,
  neg,
  scope,
  sqrt,
  sub,
  type Tensor,
} from '@recur/tensor';
import { expectBetas, expectBoolean, expectNonNegative } from './checks.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface AdamOptions {
  /** η (default 1e-3). */
  readonly lr?: number;
  /** (β1, β2), default (0.9, 0.999). */
  readonly betas?: readonly [number, number];
  /** ε (default 1e-8). */
  readonly eps?: number;
  /** λ: Adam adds λp to g (L2); AdamW shrinks p by (1 − ηλ). Default 0 (AdamW: 1e-2). */
  readonly weightDecay?: number;
  /** AMSGrad: divide by the running max of v instead of v (default false). */
  readonly amsgrad?: boolean;
  readonly maximize?: boolean;
  /**
   * The backend's fused `adamStep` kernel: null (default) uses it when present, true requires
   * it (BackendError otherwise), false always runs the composed ops.
   */
  readonly fused?: boolean | null;
}

export interface AdamConfig {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  fused: boolean | null;
}

export type AdamState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor; max_exp_avg_sq?: Tensor };

const ADAM_OPTIONS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize', 'fused'];

class AdamBase extends Optimizer<AdamConfig, AdamState> {
  protected constructor(
    name: string,
    private readonly decoupled: boolean,
    params: ParamsInput<AdamConfig>,
    options: AdamOptions,
  ) {
    super(name, params, {
      lr: options.lr ?? 1e-3,
      betas: options.betas ? [options.betas[0], options.betas[1]] : [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? (decoupled ? 1e-2 : 0),
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
      fused: options.fused ?? null,
    });
  }

  protected checkConfig(config: AdamConfig, where: string): void {
    expectNonNegative(this.name, 'lr', config.lr, where);
    expectNonNegative(this.name, 'eps', config.eps, where);
    expectBetas(this.name, config.betas, where);
    expectNonNegative(this.name, 'weightDecay', config.weightDecay, where);
    expectBoolean(this.name, 'amsgrad', config.amsgrad, where);
    expectBoolean(this.name, 'maximize', config.maximize, where);
    if (config.fused !== null) expectBoolean(this.name, 'fused', config.fused, where);
  }

  protected requiredState(group: ParamGroup<AdamConfig>): readonly string[] {
    return group.amsgrad ? ['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['step', 'exp_avg', 'exp_avg_sq'];
  }

  protected update(p: Tensor, grad: Tensor, group: ParamGroup<AdamConfig>): void {
    // Decide the path before touching any state, so a refused step leaves everything as it was.
    const backend = backendOf(`${this.name}.step`, p, grad);
    const adamStep = group.fused === false ? undefined : backend.fused?.adamStep;
    if (group.fused === true && !adamStep) {
      throw new BackendError(`${this.name}: fused: true, but backend '${backend.name}' has no fused adamStep kernel`);
    }
    let state = this.state.get(p);
    if (!state) {
      state = { step: 0, exp_avg: this.zerosState(p), exp_avg_sq: this.zerosState(p) };
      this.state.set(p, state);
    }
    // amsgrad may be switched on after earlier steps (or by loadStateDict).
    if (group.amsgrad && !state.max_exp_avg_sq) state.max_exp_avg_sq = this.zerosState(p);
    state.step += 1;
    if (!adamStep) {
      this.composed(p, grad, state, group);
      return;
    }
    adamStep.call(
      backend.fused,
      kernelView(p),
      kernelView(grad),
      kernelView(state.exp_avg),
      kernelView(state.exp_avg_sq),
      group.amsgrad ? kernelView(state.max_exp_avg_sq!) : null,
      {
        lr: group.lr,
        beta1: group.betas[0],
        beta2: group.betas[1],
        eps: group.eps,
        weightDecay: group.weightDecay,
        step: state.step,
        decoupled: this.decoupled,
        amsgrad: group.amsgrad,
        maximize: group.maximize,
      },
    );
  }

  /** The reference path: each line one PyTorch op, intermediates freed by the scope. */
  private composed(p: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<AdamConfig>): void {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = betas;
    const t = state.step;
    scope(() => {
      let g = maximize ? neg(grad) : grad;
      if (weightDecay !== 0) {
        if (this.decoupled) p.assign(mul(p, 1 - lr * weightDecay));
        else g = add(g, mul(p, weightDecay));
      }
      const m = state.exp_avg.assign(add(mul(state.exp_avg, beta1), mul(g, 1 - beta1)));
      let v = state.exp_avg_sq.assign(add(mul(state.exp_avg_sq, beta2), mul(mul(g, g), 1 - beta2)));
      if (amsgrad) v = state.max_exp_avg_sq!.assign(maximum(state.max_exp_avg_sq!, v));
      const stepSize = lr / (1 - beta1 ** t);
      const denom = add(div(sqrt(v), Math.sqrt(1 - beta2 ** t)), eps);
      p.assign(sub(p, div(mul(m, stepSize), denom)));
    });
  }
}

/** Adam: L2 weight decay coupled into the gradient (g ← g + λp). */
export class Adam extends AdamBase {
  constructor(params: ParamsInput<AdamConfig>, options: AdamOptions = {}) {
    super('Adam', false, params, checkOptions('Adam', options, ADAM_OPTIONS));
  }
}

/** AdamW: decoupled weight decay, p ← p·(1 − ηλ) before the Adam update (default λ = 1e-2). */
export class AdamW extends AdamBase {
  constructor(params: ParamsInput<AdamConfig>, options: AdamOptions = {}) {
    super('AdamW', true, params, checkOptions('AdamW', options, ADAM_OPTIONS));
  }
}
