// OneCycleLR (PyTorch 1.13): the lr rises from maxLr/divFactor to maxLr over pctStart of the
// steps, then anneals to initialLr/finalDivFactor, while momentum (SGD) or β1 (Adam) moves the
// opposite way. s step, pct the fraction of the current phase done; cos anneal(a, b) = b + (a − b)(1 + cos(π·pct))/2.

import { ValueError, checkOptions } from '@recur/tensor';
import { expectBoolean, expectInRange, expectOneOf, expectPositive, expectPositiveInteger, expectOptimizer } from './checks.js';
import { LRScheduler, kindOf, stateChecks, type AnyOptimizer } from './lr-scheduler.js';

export type AnnealStrategy = 'cos' | 'linear';

export interface OneCycleLROptions {
  /** The peak lr, one for all groups or one per group. */
  readonly maxLr: number | readonly number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  readonly totalSteps?: number;
  readonly epochs?: number;
  readonly stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr (default 0.3). */
  readonly pctStart?: number;
  readonly annealStrategy?: AnnealStrategy;
  /** Cycle momentum (SGD, RMSprop) or β1 (Adam, AdamW) inversely to the lr (default true). */
  readonly cycleMomentum?: boolean;
  readonly baseMomentum?: number | readonly number[];
  readonly maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor (default 25). */
  readonly divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  readonly finalDivFactor?: number;
  /** A third phase that anneals from initialLr to minLr (fast.ai's schedule) (default false). */
  readonly threePhase?: boolean;
  readonly lastEpoch?: number;
}

type GroupKey = 'initial_lr' | 'max_lr' | 'min_lr' | 'max_momentum' | 'base_momentum';

/** A phase as PyTorch stores it in `_schedule_phases`: its last step and the group keys it moves between. */
interface Phase {
  readonly end_step: number;
  readonly start_lr: GroupKey;
  readonly end_lr: GroupKey;
  readonly start_momentum: GroupKey;
  readonly end_momentum: GroupKey;
}

const GROUP_FIELD = {
  initial_lr: 'initialLr',
  max_lr: 'maxLr',
  min_lr: 'minLr',
  max_momentum: 'maxMomentum',
  base_momentum: 'baseMomentum',
} as const;

function perGroup(name: string, value: number | readonly number[], groups: number): number[] {
  if (typeof value === 'number') return new Array<number>(groups).fill(value);
  if (!Array.isArray(value) || value.length !== groups) {
    throw new ValueError(`OneCycleLR: expected ${groups} values for ${name}, got ${Array.isArray(value) ? value.length : String(value)}`);
  }
  return [...value];
}

/** Saved phases: as many as this schedule has, each an end step and group keys it knows. */
function checkPhases(phases: readonly unknown[], key: string, count: number): void {
  const fail = (what: string): never => {
    throw new ValueError(`OneCycleLR.loadStateDict: invalid ${key}: ${what}`);
  };
  if (phases.length !== count) fail(`expected ${count} phases, got ${phases.length}`);
  phases.forEach((phase, i) => {
    if (phase === null || typeof phase !== 'object' || Array.isArray(phase)) fail(`phase ${i} must be an object, got ${kindOf(phase)}`);
    const { end_step: endStep, ...fields } = phase as Record<string, unknown>;
    if (typeof endStep !== 'number' || !Number.isFinite(endStep))
      fail(`phase ${i} end_step must be a finite number, got ${kindOf(endStep)}`);
    for (const field of ['start_lr', 'end_lr', 'start_momentum', 'end_momentum']) {
      const value = fields[field];
      if (typeof value !== 'string' || !Object.hasOwn(GROUP_FIELD, value)) {
        fail(`phase ${i} ${field} must be one of ${Object.keys(GROUP_FIELD).join(', ')}, got ${kindOf(value)}`);
      }
    }
  });
}

export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly annealStrategy: AnnealStrategy;
  readonly cycleMomentum: boolean;
  /** Whether momentum lives in betas[0] (Adam-like) rather than `momentum` (SGD-like). */
  readonly useBeta1: boolean;
  private readonly phases: Phase[];

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    const name = 'OneCycleLR';
    expectOptimizer(name, optimizer);
    checkOptions(name, options, [
      'maxLr',
      'totalSteps',
      'epochs',
      'stepsPerEpoch',
      'pctStart',
      'annealStrategy',
      'cycleMomentum',
      'baseMomentum',
      'maxMomentum',
      'divFactor',
      'finalDivFactor',
      'threePhase',
      'lastEpoch',
    ]);
    let totalSteps: number;
    if (options.totalSteps !== undefined) {
      expectPositiveInteger(name, 'totalSteps', options.totalSteps);
      totalSteps = options.totalSteps;
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      expectPositiveInteger(name, 'epochs', options.epochs);
      expectPositiveInteger(name, 'stepsPerEpoch', options.stepsPerEpoch);
      totalSteps = options.epochs * options.stepsPerEpoch;
    } else {
      throw new ValueError(`${name}: expected totalSteps, or epochs and stepsPerEpoch; got none of them`);
    }
    const pctStart = options.pctStart ?? 0.3;
    expectInRange(name, 'pctStart', pctStart, 0, 1, '', true);
    const annealStrategy = options.annealStrategy ?? 'cos';
    expectOneOf(name, 'annealStrategy', annealStrategy, ['cos', 'linear']);
    const cycleMomentum = options.cycleMomentum ?? true;
    expectBoolean(name, 'cycleMomentum', cycleMomentum);
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    expectPositive(name, 'divFactor', divFactor);
    expectPositive(name, 'finalDivFactor', finalDivFactor);
    const count = optimizer.paramGroups.length;
    const maxLrs = perGroup('maxLr', options.maxLr, count);
    const useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum && !useBeta1 && !('momentum' in optimizer.defaults)) {
      throw new ValueError(`${name}: cycleMomentum needs an optimizer with momentum or betas; ${optimizer.name} has neither`);
    }
    super(optimizer, options.lastEpoch);
    this.totalSteps = totalSteps;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    const up = pctStart * totalSteps - 1;
    this.phases = options.threePhase
      ? [
          { end_step: up, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          {
            end_step: 2 * pctStart * totalSteps - 2,
            start_lr: 'max_lr',
            end_lr: 'initial_lr',
            start_momentum: 'base_momentum',
            end_momentum: 'max_momentum',
          },
          {
            end_step: totalSteps - 1,
            start_lr: 'initial_lr',
            end_lr: 'min_lr',
            start_momentum: 'max_momentum',
            end_momentum: 'max_momentum',
          },
        ]
      : [
          { end_step: up, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          { end_step: totalSteps - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        ];
    const groups = this.groups;
    if (this.lastEpoch === -1) {
      groups.forEach((group, i) => {
        group.initialLr = maxLrs[i]! / divFactor;
        group.maxLr = maxLrs[i]!;
        group.minLr = group.initialLr / finalDivFactor;
      });
      if (cycleMomentum) {
        const maxMomentums = perGroup('maxMomentum', options.maxMomentum ?? 0.95, count);
        const baseMomentums = perGroup('baseMomentum', options.baseMomentum ?? 0.85, count);
        groups.forEach((group, i) => {
          this.setMomentum(group, maxMomentums[i]!);
          group.maxMomentum = maxMomentums[i]!;
          group.baseMomentum = baseMomentums[i]!;
        });
      }
    }
    this.baseLrs = groups.map((group) => group.initialLr!);
    this.persist({
      total_steps: 'totalSteps',
      _schedule_phases: 'phases',
      anneal_strategy: 'annealStrategy',
      cycle_momentum: 'cycleMomentum',
      use_beta1: 'useBeta1',
    });
    this.checkSaved({
      total_steps: stateChecks.positiveInteger(name),
      anneal_strategy: stateChecks.oneOf(name, ['cos', 'linear']),
      _schedule_phases: (value, key) => checkPhases(value as unknown[], key, this.phases.length),
    });
    this.initialStep();
  }

  private setMomentum(group: object, momentum: number): void {
    const target = group as { betas?: readonly [number, number]; momentum?: number };
    if (this.useBeta1) target.betas = [momentum, target.betas![1]];
    else target.momentum = momentum;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new ValueError(`OneCycleLR: tried to step ${step + 1} times; the schedule has totalSteps ${this.totalSteps}`);
    }
    return this.groups.map((group) => {
      const value = (key: GroupKey): number => group[GROUP_FIELD[key]]!;
      let start = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i]!;
        if (step <= phase.end_step || i === this.phases.length - 1) {
          const pct = (step - start) / (phase.end_step - start);
          if (this.cycleMomentum) {
            this.setMomentum(group, this.anneal(value(phase.start_momentum), value(phase.end_momentum), pct));
          }
          return this.anneal(value(phase.start_lr), value(phase.end_lr), pct);
        }
        start = phase.end_step;
      }
      throw new ValueError('OneCycleLR: no phase covers the step');
    });
  }
}
