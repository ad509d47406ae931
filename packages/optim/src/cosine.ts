// Cosine schedules: CosineAnnealingLR in PyTorch 1.13's recursive (chainable) form, and
// CosineAnnealingWarmRestarts (SGDR). e epoch, η_min the floor, T the period in epochs:
// η = η_min + (η₀ − η_min)·(1 + cos(π·e/T))/2; warm restarts reset e at T_i, with T_{i+1} = T_i·TMult.

import { ValueError, checkOptions } from '@recur/tensor';
import { expectNonNegative, expectPositiveInteger } from './checks.js';
import { LRScheduler, pyMod, stateChecks, type AnyOptimizer } from './lr-scheduler.js';

export interface CosineAnnealingLROptions {
  /** T_max: epochs of a half period (the cosine continues periodically after it). */
  readonly TMax: number;
  /** η_min (default 0). */
  readonly etaMin?: number;
  readonly lastEpoch?: number;
}

export class CosineAnnealingLR extends LRScheduler {
  readonly TMax: number;
  readonly etaMin: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions) {
    checkOptions('CosineAnnealingLR', options, ['TMax', 'etaMin', 'lastEpoch']);
    expectPositiveInteger('CosineAnnealingLR', 'TMax', options.TMax);
    expectNonNegative('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0);
    super(optimizer, options.lastEpoch);
    this.TMax = options.TMax;
    this.etaMin = options.etaMin ?? 0;
    this.persist({ T_max: 'TMax', eta_min: 'etaMin' });
    this.checkSaved({ T_max: stateChecks.positiveInteger('CosineAnnealingLR'), eta_min: stateChecks.nonNegative('CosineAnnealingLR') });
    this.initialStep();
  }

  /**
   * Each step multiplies (η − η_min) by the ratio of consecutive cosine factors, so another
   * scheduler's change to the lr carries through (PyTorch's chainable form, its float64 values).
   */
  protected getLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    if (e === 0) return this.currentLrs();
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    // At the top of a period the ratio below would divide by 1 + cos(π) = 0: add the rise instead.
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}

export interface CosineAnnealingWarmRestartsOptions {
  /** T_0: epochs until the first restart. */
  readonly T0: number;
  /** T_mult: each period is this many times the previous (integer ≥ 1, default 1). */
  readonly TMult?: number;
  /** η_min (default 0). */
  readonly etaMin?: number;
  readonly lastEpoch?: number;
}

export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly T0: number;
  readonly TMult: number;
  readonly etaMin: number;
  /** The current period T_i. */
  TI: number;
  /** Epochs since the last restart (may be fractional with step(epoch)). */
  TCur: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingWarmRestartsOptions) {
    checkOptions('CosineAnnealingWarmRestarts', options, ['T0', 'TMult', 'etaMin', 'lastEpoch']);
    expectPositiveInteger('CosineAnnealingWarmRestarts', 'T0', options.T0);
    expectPositiveInteger('CosineAnnealingWarmRestarts', 'TMult', options.TMult ?? 1);
    expectNonNegative('CosineAnnealingWarmRestarts', 'etaMin', options.etaMin ?? 0);
    super(optimizer, options.lastEpoch);
    this.T0 = options.T0;
    this.TI = options.T0;
    this.TMult = options.TMult ?? 1;
    this.etaMin = options.etaMin ?? 0;
    this.TCur = this.lastEpoch;
    this.persist({ T_0: 'T0', T_i: 'TI', T_mult: 'TMult', eta_min: 'etaMin', T_cur: 'TCur' });
    const owner = 'CosineAnnealingWarmRestarts';
    this.checkSaved({
      T_0: stateChecks.positiveInteger(owner),
      T_i: stateChecks.positiveInteger(owner),
      T_mult: stateChecks.positiveInteger(owner),
      eta_min: stateChecks.nonNegative(owner),
      T_cur: stateChecks.atLeast(owner, -1),
    });
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.TI))) / 2);
  }

  /** Without `epoch`, one epoch on; with it (fractions allowed, e.g. per batch), jump there. */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.TI) {
        this.TCur -= this.TI;
        this.TI *= this.TMult;
      }
    } else {
      if (!(epoch >= 0)) throw new ValueError(`CosineAnnealingWarmRestarts: expected a non-negative epoch, got ${epoch}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = epoch % this.T0;
        } else {
          const n = Math.floor(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.TI = this.T0 * this.TMult ** n;
        }
      } else {
        this.TI = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.getLr().forEach((lr, i) => {
      this.groups[i]!.lr = lr;
    });
    this.lastLr = this.currentLrs();
  }
}
