// The LR scheduler base with PyTorch 1.13's step protocol: built right after the optimizer (it
// sets each group's initialLr and takes step 0), then `step()` once after each optimizer.step().
// e the epoch counter (lastEpoch), η a group's lr, η₀ its base (initial) lr.

import { FormatError, ValueError } from '@recur/tensor';
import { expectNonNegative, expectOneOf, expectOptimizer, expectPositiveInteger } from './checks.js';
import type { Optimizer, ParamGroup, ParamState } from './optimizer.js';

/** Any optimizer: schedulers only read and write its groups' lr (and momentum / betas). */
export type AnyOptimizer = Optimizer<{ lr: number }, ParamState>;

/** A scheduler's state in PyTorch's attribute names (`last_epoch`, `base_lrs`, `_last_lr`, …). */
export type SchedulerStateDict = Record<string, unknown>;

/** Python's `a % n` (the sign of n), which the cosine schedules rely on for negative a. */
export const pyMod = (a: number, n: number): number => ((a % n) + n) % n;

const copy = <T>(value: T): T => (Array.isArray(value) ? (value.map(copy) as T) : value);

/** Checks one saved attribute (`name` its PyTorch name); throws a ValueError naming it. */
export type StateCheck = (value: unknown, name: string) => void;

/** What a saved value is, for messages, without printing a structure of unknown depth. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

/** The saved value has the JSON type of the live one (numbers not NaN; arrays element by element). */
function sameKind(saved: unknown, current: unknown): boolean {
  if (typeof current === 'number') return typeof saved === 'number' && !Number.isNaN(saved);
  if (Array.isArray(current)) {
    if (!Array.isArray(saved)) return false;
    const model = current[0];
    return model === undefined || typeof model === 'object' || saved.every((item) => sameKind(item, model));
  }
  return typeof saved === typeof current && (saved === null) === (current === null) && !Array.isArray(saved);
}

/** What every scheduler (ReduceLROnPlateau included) shares: state saved under PyTorch's attribute names. */
export abstract class SchedulerBase {
  private readonly persistent = new Map<string, string>();
  private readonly stateChecks = new Map<string, StateCheck>();

  /** Register attributes for stateDict: PyTorch name → property of this object. */
  protected persist(names: Readonly<Record<string, string>>): void {
    for (const [key, property] of Object.entries(names)) this.persistent.set(key, property);
  }

  /** Range checks for saved attributes, beyond the type check every attribute gets. */
  protected checkSaved(checks: Readonly<Record<string, StateCheck>>): void {
    for (const [key, check] of Object.entries(checks)) this.stateChecks.set(key, check);
  }

  /** A copy of the scheduler's state (no optimizer in it), in PyTorch's names. */
  stateDict(): SchedulerStateDict {
    const self = this as unknown as Record<string, unknown>;
    const out: SchedulerStateDict = {};
    for (const [key, property] of this.persistent) out[key] = copy(self[property]);
    return out;
  }

  /**
   * Check a state dict as loadStateDict would, changing nothing: an object whose known keys
   * hold values of the live attribute's type and within its range (`gamma: -5`,
   * `last_epoch: "abc"`, `base_lrs: []` are refused).
   */
  checkStateDict(dict: SchedulerStateDict): void {
    const owner = `${this.constructor.name}.loadStateDict`;
    if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) {
      throw new FormatError(`${owner}: expected a state dict object; got ${kindOf(dict)}`);
    }
    const self = this as unknown as Record<string, unknown>;
    for (const [key, property] of this.persistent) {
      if (!Object.hasOwn(dict, key)) continue;
      const value = dict[key];
      if (!sameKind(value, self[property])) {
        throw new ValueError(`${owner}: invalid ${key}: expected ${describeKind(self[property])}, got ${kindOf(value)}`);
      }
      this.stateChecks.get(key)?.(value, key);
    }
  }

  /** Restore what stateDict saved, after checkStateDict; keys this scheduler does not know are ignored. */
  loadStateDict(dict: SchedulerStateDict): void {
    this.checkStateDict(dict);
    const self = this as unknown as Record<string, unknown>;
    for (const [key, property] of this.persistent) {
      if (Object.hasOwn(dict, key)) self[property] = copy(dict[key]);
    }
  }
}

function describeKind(current: unknown): string {
  if (Array.isArray(current)) return typeof current[0] === 'number' ? 'an array of numbers' : 'an array';
  return typeof current === 'number' ? 'a number' : `a ${typeof current}`;
}

/** Checks for saved attributes shared by the schedulers; each throws a ValueError naming the owner. */
export const stateChecks = {
  /** An integer ≥ low (epochs, counters). */
  integer:
    (owner: string, low: number): StateCheck =>
    (value, name) => {
      if (!Number.isSafeInteger(value) || (value as number) < low) {
        throw new ValueError(`${owner}.loadStateDict: invalid ${name}: expected an integer ≥ ${low}, got ${kindOf(value)}`);
      }
    },
  /** A finite number ≥ low (an epoch, which step(epoch) may make fractional). */
  atLeast:
    (owner: string, low: number): StateCheck =>
    (value, name) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < low) {
        throw new ValueError(`${owner}.loadStateDict: invalid ${name}: expected a finite number ≥ ${low}, got ${kindOf(value)}`);
      }
    },
  nonNegative:
    (owner: string): StateCheck =>
    (value, name) =>
      expectNonNegative(owner, name, value, 'state dict'),
  positiveInteger:
    (owner: string): StateCheck =>
    (value, name) =>
      expectPositiveInteger(owner, name, value, 'state dict'),
  /** low ≤ value ≤ high (lowExclusive: low < value). */
  within:
    (owner: string, low: number, high: number, lowExclusive = false): StateCheck =>
    (value, name) => {
      const ok = typeof value === 'number' && (lowExclusive ? value > low : value >= low) && value <= high;
      if (!ok) {
        throw new ValueError(
          `${owner}.loadStateDict: invalid ${name}: expected a number in ${lowExclusive ? '(' : '['}${low}, ${high}], got ${kindOf(value)}`,
        );
      }
    },
  oneOf:
    (owner: string, allowed: readonly string[]): StateCheck =>
    (value, name) =>
      expectOneOf(owner, name, value, allowed, 'state dict'),
  /** One finite value ≥ 0 per parameter group. */
  perGroup:
    (owner: string, groups: () => number): StateCheck =>
    (value, name) => {
      const list = value as unknown[];
      if (list.length !== groups()) {
        throw new ValueError(
          `${owner}.loadStateDict: invalid ${name}: expected ${groups()} values (one per parameter group), got ${list.length}`,
        );
      }
      list.forEach((item, i) => expectNonNegative(owner, `${name}[${i}]`, item, 'state dict'));
    },
};

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
    expectOptimizer(new.target.name, optimizer);
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
    const owner = new.target.name;
    const groupCount = (): number => this.optimizer.paramGroups.length;
    this.checkSaved({
      base_lrs: stateChecks.perGroup(owner, groupCount),
      _last_lr: stateChecks.perGroup(owner, groupCount),
      last_epoch: stateChecks.atLeast(owner, -1),
      _step_count: stateChecks.integer(owner, 0),
    });
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
