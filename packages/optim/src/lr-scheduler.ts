// The LR scheduler base with PyTorch 1.13's step protocol: built right after the optimizer (it
// sets each group's initialLr and takes step 0), then `step()` once after each optimizer.step().
// e the epoch counter (lastEpoch), η a group's lr, η₀ its base (initial) lr.

import { ValueError } from '@recur/tensor';
import type { Optimizer, ParamGroup, ParamState } from './optimizer.js';

/** Any optimizer: schedulers only read and write its groups' lr (and momentum / betas). */
export type AnyOptimizer = Optimizer<{ lr: number }, ParamState>;

/** A scheduler's state in PyTorch's attribute names (`last_epoch`, `base_lrs`, `_last_lr`, …). */
export type SchedulerStateDict = Record<string, unknown>;

/** Python's `a % n` (the sign of n), which the cosine schedules rely on for negative a. */
export const pyMod = (a: number, n: number): number => ((a % n) + n) % n;

const copy = <T>(value: T): T => (Array.isArray(value) ? (value.map(copy) as T) : value);

/** What every scheduler (ReduceLROnPlateau included) shares: state saved under PyTorch's attribute names. */
export abstract class SchedulerBase {
  private readonly persistent = new Map<string, string>();

  /** Register attributes for stateDict: PyTorch name → property of this object. */
  protected persist(names: Readonly<Record<string, string>>): void {
    for (const [key, property] of Object.entries(names)) this.persistent.set(key, property);
  }

  /** A copy of the scheduler's state (no optimizer in it), in PyTorch's names. */
  stateDict(): SchedulerStateDict {
    const self = this as unknown as Record<string, unknown>;
    const out: SchedulerStateDict = {};
    for (const [key, property] of this.persistent) out[key] = copy(self[property]);
    return out;
  }

  /** Restore what stateDict saved; keys this scheduler does not know are ignored. */
  loadStateDict(dict: SchedulerStateDict): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [key, property] of this.persistent) {
      if (Object.hasOwn(dict, key)) self[property] = copy(dict[key]);
    }
  }
}

export abstract class LRScheduler extends SchedulerBase {
  /** e: the number of scheduler steps taken since epoch 0 (-1 before the first). */
  lastEpoch: number;
  /** η₀ of each group (its initialLr). */
  baseLrs: number[];
  protected stepCount = 0;
  protected lastLr: number[] = [];

  /**
   * `lastEpoch` -1 (default) starts a fresh schedule and sets each group's initialLr to its lr
   * unless a scheduler already did; a resumed schedule needs initialLr in every group.
   * Subclasses set their own fields and then call `initialStep()`.
   */
  protected constructor(
    readonly optimizer: AnyOptimizer,
    lastEpoch = -1,
  ) {
    super();
    const groups = optimizer.paramGroups;
    if (lastEpoch === -1) {
      for (const group of groups) group.initialLr ??= group.lr;
    } else {
      groups.forEach((group, i) => {
        if (group.initialLr === undefined) {
          throw new ValueError(`${new.target.name}: resuming at lastEpoch ${lastEpoch} needs initialLr in parameter group ${i}; got none`);
        }
      });
    }
    this.baseLrs = groups.map((group) => group.initialLr!);
    this.lastEpoch = lastEpoch;
    this.persist({ base_lrs: 'baseLrs', last_epoch: 'lastEpoch', _step_count: 'stepCount', _last_lr: 'lastLr' });
  }

  protected get groups(): ParamGroup<{ lr: number }>[] {
    return this.optimizer.paramGroups;
  }

  /** Each group's lr as it stands. */
  protected currentLrs(): number[] {
    return this.groups.map((group) => group.lr);
  }

  /** The lr of each group for epoch `lastEpoch`, from the groups' current lr (chainable form). */
  protected abstract getLr(): number[];

  /** The same, computed from baseLrs alone; used when `step(epoch)` jumps to an epoch. */
  protected closedFormLr?(): number[];

  /** @internal Step to epoch 0 (called at the end of construction, and by SequentialLR). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advance one epoch and write the new lr into every group. `epoch` jumps (deprecated in PyTorch). */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.groups.forEach((group, i) => {
      group.lr = values[i]!;
    });
    this.lastLr = this.groups.map((group) => group.lr);
  }

  /** The lr of each group as the last step left it. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }
}
