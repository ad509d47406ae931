// SequentialLR (PyTorch 1.13): hand the lr to one scheduler after another at given epochs, e.g.
// a LinearLR warmup then CosineAnnealingLR. e the epoch; at milestone k scheduler k+1 restarts
// at its own epoch 0 (step(0), its closed form), then runs its chainable form.

import { ValueError, checkOptions } from '@recur/tensor';
import { LRScheduler, stateChecks, type AnyOptimizer, type SchedulerStateDict } from './lr-scheduler.js';

export interface SequentialLROptions {
  /** Built on the same optimizer, in order. */
  readonly schedulers: readonly LRScheduler[];
  /** Epochs at which the next scheduler takes over: one fewer than the schedulers. */
  readonly milestones: readonly number[];
  readonly lastEpoch?: number;
}

export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];

  constructor(optimizer: AnyOptimizer, options: SequentialLROptions) {
    checkOptions('SequentialLR', options, ['schedulers', 'milestones', 'lastEpoch']);
    const { schedulers, milestones } = options;
    if (schedulers.length === 0) throw new ValueError('SequentialLR: expected at least one scheduler, got none');
    schedulers.forEach((scheduler, i) => {
      if (scheduler.optimizer !== optimizer) {
        throw new ValueError(
          `SequentialLR: scheduler ${i} (${scheduler.constructor.name}) is bound to another optimizer than the one given`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`,
      );
    }
    super(optimizer, options.lastEpoch);
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch += 1;
    // Undo what the schedulers did when they were built, then let only the first take step 0.
    for (const group of this.groups) group.lr = group.initialLr!;
    for (const scheduler of this.schedulers) scheduler.lastEpoch -= 1;
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
    this.persist({ _milestones: 'milestones' });
    this.checkSaved({
      _milestones: (value, name) => {
        const list = value as unknown[];
        if (list.length !== this.milestones.length) {
          throw new ValueError(
            `SequentialLR.loadStateDict: invalid ${name}: expected ${this.milestones.length} milestones, got ${list.length}`,
          );
        }
        list.forEach((m, i) => stateChecks.nonNegative('SequentialLR')(m, `${name}[${i}]`));
      },
    });
  }

  protected getLr(): number[] {
    return this.currentLrs();
  }

  override step(): void {
    this.lastEpoch += 1;
    // bisect_right: the number of milestones ≤ e picks the active scheduler.
    const index = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[index]!;
    if (index > 0 && this.milestones[index - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Its own attributes and each inner scheduler's saved state, all before anything loads. */
  override checkStateDict(dict: SchedulerStateDict): void {
    super.checkStateDict(dict);
    const saved = dict._schedulers;
    if (!Array.isArray(saved) || saved.length !== this.schedulers.length) {
      const got = Array.isArray(saved) ? `${saved.length}` : 'none';
      throw new ValueError(`SequentialLR.loadStateDict: expected _schedulers with ${this.schedulers.length} entries, got ${got}`);
    }
    saved.forEach((entry, i) => this.schedulers[i]!.checkStateDict(entry as SchedulerStateDict));
  }

  override loadStateDict(dict: SchedulerStateDict): void {
    super.loadStateDict(dict);
    (dict._schedulers as SchedulerStateDict[]).forEach((entry, i) => this.schedulers[i]!.loadStateDict(entry));
  }
}
