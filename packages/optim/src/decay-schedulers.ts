// Schedules that scale the lr by a factor at chosen epochs: StepLR, MultiStepLR, ExponentialLR
// and LinearLR, each in PyTorch 1.13's chainable form plus its closed form for step(epoch).
// e the epoch (lastEpoch), η₀ the base lr, γ the decay factor.

import { ValueError, checkOptions } from '@recur/tensor';
import { expectInRange, expectNonNegative, expectPositiveInteger } from './checks.js';
import { LRScheduler, stateChecks, type AnyOptimizer } from './lr-scheduler.js';

export interface StepLROptions {
  /** Epochs between decays. */
  readonly stepSize: number;
  /** γ (default 0.1). */
  readonly gamma?: number;
  readonly lastEpoch?: number;
}

/** η = η₀ · γ^⌊e / stepSize⌋. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    checkOptions('StepLR', options, ['stepSize', 'gamma', 'lastEpoch']);
    // Checked before super(), which writes initialLr into the optimizer's groups.
    expectPositiveInteger('StepLR', 'stepSize', options.stepSize);
    expectNonNegative('StepLR', 'gamma', options.gamma ?? 0.1);
    super(optimizer, options.lastEpoch);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.persist({ step_size: 'stepSize', gamma: 'gamma' });
    this.checkSaved({ step_size: stateChecks.positiveInteger('StepLR'), gamma: stateChecks.nonNegative('StepLR') });
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.currentLrs();
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

export interface MultiStepLROptions {
  /** Epochs at which the lr is multiplied by γ (a repeated milestone multiplies again). */
  readonly milestones: readonly number[];
  /** γ (default 0.1). */
  readonly gamma?: number;
  readonly lastEpoch?: number;
}

/** η = η₀ · γ^(number of milestones ≤ e). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: MultiStepLROptions) {
    checkOptions('MultiStepLR', options, ['milestones', 'gamma', 'lastEpoch']);
    if (!Array.isArray(options.milestones)) {
      throw new ValueError(`MultiStepLR: invalid milestones: expected an array of epochs, got ${String(options.milestones)}`);
    }
    options.milestones.forEach((m, i) => expectNonNegative('MultiStepLR', `milestones[${i}]`, m));
    expectNonNegative('MultiStepLR', 'gamma', options.gamma ?? 0.1);
    super(optimizer, options.lastEpoch);
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.persist({ milestones: 'milestones', gamma: 'gamma' });
    this.checkSaved({
      milestones: (value, name) => (value as unknown[]).forEach((m, i) => stateChecks.nonNegative('MultiStepLR')(m, `${name}[${i}]`)),
      gamma: stateChecks.nonNegative('MultiStepLR'),
    });
    this.initialStep();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.currentLrs();
    return this.groups.map((g) => g.lr * this.gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}

export interface ExponentialLROptions {
  /** γ, the factor per epoch. */
  readonly gamma: number;
  readonly lastEpoch?: number;
}

/** η = η₀ · γ^e. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: ExponentialLROptions) {
    checkOptions('ExponentialLR', options, ['gamma', 'lastEpoch']);
    expectNonNegative('ExponentialLR', 'gamma', options.gamma);
    super(optimizer, options.lastEpoch);
    this.gamma = options.gamma;
    this.persist({ gamma: 'gamma' });
    this.checkSaved({ gamma: stateChecks.nonNegative('ExponentialLR') });
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.currentLrs();
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}

export interface LinearLROptions {
  /** The factor at epoch 0, in (0, 1] (default 1/3). */
  readonly startFactor?: number;
  /** The factor from epoch totalIters on, in [0, 1] (default 1). */
  readonly endFactor?: number;
  /** Epochs over which the factor moves (default 5). */
  readonly totalIters?: number;
  readonly lastEpoch?: number;
}

/** η = η₀ · (start + (end − start) · min(e, totalIters) / totalIters): a linear warmup or decay. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    checkOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch']);
    const startFactor = options.startFactor ?? 1 / 3;
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new ValueError(`LinearLR: invalid startFactor: expected a number with 0 < startFactor ≤ 1, got ${startFactor}`);
    }
    expectInRange('LinearLR', 'endFactor', options.endFactor ?? 1, 0, 1, '', true);
    expectPositiveInteger('LinearLR', 'totalIters', options.totalIters ?? 5);
    super(optimizer, options.lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    this.persist({ start_factor: 'startFactor', end_factor: 'endFactor', total_iters: 'totalIters' });
    this.checkSaved({
      start_factor: stateChecks.within('LinearLR', 0, 1, true),
      end_factor: stateChecks.within('LinearLR', 0, 1),
      total_iters: stateChecks.positiveInteger('LinearLR'),
    });
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return this.currentLrs();
    const delta = this.endFactor - this.startFactor;
    // The ratio of consecutive factors, so the chain reproduces the linear ramp.
    const ratio = 1 + delta / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * delta);
    return this.groups.map((g) => g.lr * ratio);
  }

  protected override closedFormLr(): number[] {
    const progress = Math.min(this.totalIters, this.lastEpoch) / this.totalIters;
    return this.baseLrs.map((lr) => lr * (this.startFactor + (this.endFactor - this.startFactor) * progress));
  }
}
