// ReduceLROnPlateau (PyTorch 1.13): scale the lr by `factor` once a metric has stopped improving
// for more than `patience` epochs, then wait `cooldown` epochs. best the best metric so far;
// 'rel' improvement: metric < best·(1 − threshold) (min mode), 'abs': metric < best − threshold.

import { ValueError, checkOptions } from '@recur/tensor';
import { expectNonNegative, expectOneOf, expectOptimizer } from './checks.js';
import { SchedulerBase, stateChecks, type AnyOptimizer } from './lr-scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': lower is better (a loss); 'max': higher is better (an accuracy). Default 'min'. */
  readonly mode?: 'min' | 'max';
  /** new lr = lr · factor, factor < 1 (default 0.1). */
  readonly factor?: number;
  /** Non-improving epochs tolerated before a reduction (default 10). */
  readonly patience?: number;
  /** The smallest change that counts as an improvement (default 1e-4). */
  readonly threshold?: number;
  readonly thresholdMode?: 'rel' | 'abs';
  /** Epochs after a reduction in which bad epochs are not counted (default 0). */
  readonly cooldown?: number;
  /** A floor for the lr, one for all groups or one per group (default 0). */
  readonly minLr?: number | readonly number[];
  /** Reductions smaller than eps are skipped (default 1e-8). */
  readonly eps?: number;
}

export class ReduceLROnPlateau extends SchedulerBase {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(
    readonly optimizer: AnyOptimizer,
    options: ReduceLROnPlateauOptions = {},
  ) {
    checkOptions('ReduceLROnPlateau', options, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    super();
    const name = 'ReduceLROnPlateau';
    expectOptimizer(name, optimizer);
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1)) throw new ValueError(`${name}: invalid factor: expected a number < 1, got ${this.factor}`);
    expectNonNegative(name, 'factor', this.factor);
    this.mode = options.mode ?? 'min';
    expectOneOf(name, 'mode', this.mode, ['min', 'max']);
    this.thresholdMode = options.thresholdMode ?? 'rel';
    expectOneOf(name, 'thresholdMode', this.thresholdMode, ['rel', 'abs']);
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    expectNonNegative(name, 'patience', this.patience);
    expectNonNegative(name, 'threshold', this.threshold);
    expectNonNegative(name, 'cooldown', this.cooldown);
    expectNonNegative(name, 'eps', this.eps);
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr === 'number') {
      this.minLrs = new Array<number>(groups).fill(minLr);
    } else {
      if (minLr.length !== groups) throw new ValueError(`${name}: expected ${groups} minLr values (one per group), got ${minLr.length}`);
      this.minLrs = [...minLr];
    }
    this.minLrs.forEach((lr, i) => expectNonNegative(name, `minLr[${i}]`, lr));
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
    this.persist({
      factor: 'factor',
      min_lrs: 'minLrs',
      patience: 'patience',
      cooldown: 'cooldown',
      cooldown_counter: 'cooldownCounter',
      mode: 'mode',
      threshold: 'threshold',
      threshold_mode: 'thresholdMode',
      best: 'best',
      num_bad_epochs: 'numBadEpochs',
      eps: 'eps',
      last_epoch: 'lastEpoch',
      _last_lr: 'lastLr',
    });
    const groupCount = (): number => this.optimizer.paramGroups.length;
    const nonNegative = stateChecks.nonNegative(name);
    this.checkSaved({
      factor: (value, key) => {
        stateChecks.within(name, 0, 1)(value, key);
        if (value === 1) throw new ValueError(`${name}.loadStateDict: invalid factor: expected a number < 1, got 1`);
      },
      min_lrs: stateChecks.perGroup(name, groupCount),
      _last_lr: stateChecks.perGroup(name, groupCount),
      patience: nonNegative,
      cooldown: nonNegative,
      cooldown_counter: nonNegative,
      threshold: nonNegative,
      num_bad_epochs: nonNegative,
      eps: nonNegative,
      last_epoch: stateChecks.atLeast(name, 0),
      mode: stateChecks.oneOf(name, ['min', 'max']),
      threshold_mode: stateChecks.oneOf(name, ['rel', 'abs']),
    });
  }

  /** The worst possible metric for the mode, where `best` starts. */
  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(metric: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return metric < best * (1 - this.threshold);
    if (this.mode === 'min') return metric < best - this.threshold;
    if (this.thresholdMode === 'rel') return metric > best * (this.threshold + 1);
    return metric > best + this.threshold;
  }

  /** Feed the epoch's metric (call after optimizer.step()). */
  step(metric: number): void {
    if (typeof metric !== 'number') {
      throw new ValueError(`ReduceLROnPlateau.step: expected the metric as a number (await loss.item()), got ${typeof metric}`);
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const newLr = Math.max(group.lr * this.factor, this.minLrs[i]!);
      // A cut smaller than eps would only add rounding noise.
      if (group.lr - newLr > this.eps) group.lr = newLr;
    });
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }
}
