import { ValueError, tensor, type Tensor } from '@recur/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine.js';
import { ExponentialLR, LinearLR, MultiStepLR, StepLR } from './decay-schedulers.js';
import type { AnyOptimizer, LRScheduler } from './lr-scheduler.js';
import { OneCycleLR } from './one-cycle-lr.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { SequentialLR } from './sequential-lr.js';
import { SGD } from './sgd.js';

let p: Tensor;
beforeEach(() => {
  p = tensor([1], { requiresGrad: true });
});
afterEach(() => p.dispose());

const sgd = (lr = 0.1, momentum = 0): SGD => new SGD([p], { lr, momentum });

/** The lr used in each of `epochs` epochs: read, then optimizer.step() and scheduler.step(). */
function lrs(optimizer: { paramGroups: { lr: number }[]; step(): unknown }, scheduler: { step(): void }, epochs: number): number[] {
  const out: number[] = [];
  for (let e = 0; e < epochs; e++) {
    out.push(optimizer.paramGroups[0]!.lr);
    optimizer.step();
    scheduler.step();
  }
  return out;
}

const closeAll = (actual: number[], expected: number[]): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i]!))));
};

describe('decay schedulers', () => {
  it('StepLR multiplies by γ every stepSize epochs and sets initialLr', () => {
    const optimizer = sgd();
    const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    expect(optimizer.paramGroups[0]!.initialLr).toBe(0.1);
    closeAll(lrs(optimizer, scheduler, 6), [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    closeAll(scheduler.getLastLr(), [0.0125]);
  });

  it('MultiStepLR decays at each milestone, twice for a repeated one', () => {
    const optimizer = sgd(1);
    const scheduler = new MultiStepLR(optimizer, { milestones: [3, 1, 3], gamma: 0.1 });
    closeAll(lrs(optimizer, scheduler, 5), [1, 0.1, 0.1, 0.001, 0.001]);
  });

  it('ExponentialLR and LinearLR', () => {
    const a = sgd(1);
    closeAll(lrs(a, new ExponentialLR(a, { gamma: 0.5 }), 4), [1, 0.5, 0.25, 0.125]);
    const b = sgd(1);
    closeAll(lrs(b, new LinearLR(b, { startFactor: 0.25, totalIters: 3 }), 5), [0.25, 0.5, 0.75, 1, 1]);
  });

  it('step(epoch) jumps with the closed form', () => {
    const optimizer = sgd(1);
    const scheduler = new StepLR(optimizer, { stepSize: 3, gamma: 0.5 });
    scheduler.step(7);
    expect(optimizer.paramGroups[0]!.lr).toBeCloseTo(0.25, 12);
  });

  it('rejects bad arguments before touching the optimizer', () => {
    const optimizer = sgd();
    expect(() => new StepLR(optimizer, { stepSize: 0 })).toThrow(/StepLR: invalid stepSize: expected an integer > 0, got 0/);
    expect(() => new LinearLR(optimizer, { startFactor: 0 })).toThrow(/startFactor: expected a number with 0 < startFactor ≤ 1, got 0/);
    expect(optimizer.paramGroups[0]!.initialLr).toBeUndefined();
    expect(() => new ExponentialLR(optimizer, { gamma: 0.9, lastEpoch: 4 })).toThrow(
      /resuming at lastEpoch 4 needs initialLr in parameter group 0/,
    );
  });
});

describe('cosine schedulers', () => {
  it('CosineAnnealingLR follows the closed form, periodically past TMax', () => {
    const optimizer = sgd(0.1);
    const scheduler = new CosineAnnealingLR(optimizer, { TMax: 4, etaMin: 0.01 });
    const expected = Array.from({ length: 12 }, (_, e) => 0.01 + (0.09 * (1 + Math.cos((Math.PI * e) / 4))) / 2);
    closeAll(lrs(optimizer, scheduler, 12), expected);
  });

  it('CosineAnnealingWarmRestarts restarts after T0, then after T0·TMult', () => {
    const optimizer = sgd(1);
    const scheduler = new CosineAnnealingWarmRestarts(optimizer, { T0: 2, TMult: 2 });
    const cosine = (t: number, period: number): number => (1 + Math.cos((Math.PI * t) / period)) / 2;
    const expected = [cosine(0, 2), cosine(1, 2), cosine(0, 4), cosine(1, 4), cosine(2, 4), cosine(3, 4), cosine(0, 8)];
    closeAll(lrs(optimizer, scheduler, 7), expected);
    scheduler.step(2.5); // a fractional epoch: T_cur 0.5 into the 4-epoch period
    expect(optimizer.paramGroups[0]!.lr).toBeCloseTo(cosine(0.5, 4), 12);
  });
});

describe('OneCycleLR', () => {
  it('rises to maxLr, anneals to minLr, and cycles SGD momentum the other way', () => {
    const optimizer = sgd(0.5, 0.9);
    const scheduler = new OneCycleLR(optimizer, { maxLr: 1, totalSteps: 10, pctStart: 0.3, annealStrategy: 'linear' });
    const group = optimizer.paramGroups[0]!;
    expect(group.initialLr).toBeCloseTo(0.04, 12);
    expect(group.minLr).toBeCloseTo(4e-6, 15);
    const momentum: number[] = [];
    const lr: number[] = [];
    for (let e = 0; e < 10; e++) {
      lr.push(group.lr);
      momentum.push(group.momentum);
      scheduler.step();
    }
    // Phase 1 ends at step 0.3·10 − 1 = 2: linear from 0.04 to 1.
    closeAll(lr.slice(0, 3), [0.04, 0.52, 1]);
    expect(lr[9]).toBeCloseTo(4e-6, 12);
    closeAll(momentum.slice(0, 3), [0.95, 0.9, 0.85]);
    expect(momentum[9]).toBeCloseTo(0.95, 12);
    expect(() => scheduler.step()).toThrow(/tried to step 12 times; the schedule has totalSteps 10/);
  });

  it('moves betas[0] for Adam, and refuses an optimizer without momentum', () => {
    const adam = new Adam([p], { lr: 0.1 });
    new OneCycleLR(adam, { maxLr: 0.1, totalSteps: 5 });
    expect(adam.paramGroups[0]!.betas).toEqual([0.95, 0.999]);
    const adagrad = new Adagrad([p]);
    expect(() => new OneCycleLR(adagrad as unknown as AnyOptimizer, { maxLr: 0.1, totalSteps: 5 })).toThrow(
      /cycleMomentum needs an optimizer with momentum or betas; Adagrad has neither/,
    );
    adam.dispose();
    adagrad.dispose();
  });
});

describe('ReduceLROnPlateau', () => {
  it('cuts the lr after more than `patience` bad epochs, then cools down', () => {
    const optimizer = sgd(1);
    const scheduler = new ReduceLROnPlateau(optimizer, { factor: 0.5, patience: 1, cooldown: 1, minLr: 0.2 });
    const seen: number[] = [];
    for (const metric of [1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5]) {
      scheduler.step(metric);
      seen.push(optimizer.paramGroups[0]!.lr);
    }
    expect(seen).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2]);
  });

  it('max mode with an absolute threshold', () => {
    const optimizer = sgd(1);
    const scheduler = new ReduceLROnPlateau(optimizer, { mode: 'max', thresholdMode: 'abs', threshold: 0.1, patience: 0 });
    scheduler.step(1);
    scheduler.step(1.05); // not better by 0.1
    expect(optimizer.paramGroups[0]!.lr).toBeCloseTo(0.1, 12);
    expect(() => new ReduceLROnPlateau(optimizer, { factor: 1 })).toThrow(/invalid factor: expected a number < 1, got 1/);
  });
});

describe('SequentialLR', () => {
  it('warmup then cosine, the cosine restarting at the milestone', () => {
    const optimizer = sgd(0.1);
    const warmup = new LinearLR(optimizer, { startFactor: 0.1, totalIters: 3 });
    const cosine = new CosineAnnealingLR(optimizer, { TMax: 5 });
    const scheduler = new SequentialLR(optimizer, { schedulers: [warmup, cosine], milestones: [3] });
    const expected = [0.01, 0.04, 0.07, ...Array.from({ length: 5 }, (_, e) => (0.1 * (1 + Math.cos((Math.PI * e) / 5))) / 2)];
    closeAll(lrs(optimizer, scheduler, 8), expected);
    expect(() => new SequentialLR(optimizer, { schedulers: [warmup, cosine], milestones: [] })).toThrow(
      /expected 1 milestones for 2 schedulers, got 0/,
    );
  });
});

describe('scheduler state dicts', () => {
  const builders: [string, (o: SGD) => LRScheduler][] = [
    ['StepLR', (o) => new StepLR(o, { stepSize: 2 })],
    ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { TMax: 3, etaMin: 0.001 })],
    ['CosineAnnealingWarmRestarts', (o) => new CosineAnnealingWarmRestarts(o, { T0: 2, TMult: 2 })],
    ['OneCycleLR', (o) => new OneCycleLR(o, { maxLr: 0.5, totalSteps: 12, threePhase: true })],
    ['SequentialLR', (o) => new SequentialLR(o, { schedulers: [new LinearLR(o), new ExponentialLR(o, { gamma: 0.5 })], milestones: [2] })],
  ];

  it.each(builders)('%s: a fresh scheduler loaded from the dict continues identically', (_name, build) => {
    const first = sgd(0.1, 0.9);
    const a = build(first);
    lrs(first, a, 4);
    const q = tensor([1], { requiresGrad: true });
    const second = new SGD([q], { lr: 0.1, momentum: 0.9 });
    const b = build(second);
    second.loadStateDict(first.stateDict());
    b.loadStateDict(a.stateDict());
    expect(lrs(second, b, 6)).toEqual(lrs(first, a, 6));
    expect(b.getLastLr()).toEqual(a.getLastLr());
    expect(a.stateDict()).toHaveProperty('last_epoch');
    q.dispose();
  });

  it('ReduceLROnPlateau round-trips its counters', () => {
    const first = sgd(1);
    const a = new ReduceLROnPlateau(first, { patience: 2 });
    for (const m of [1, 2, 2]) a.step(m);
    const dict = a.stateDict();
    expect(dict).toMatchObject({ best: 1, num_bad_epochs: 2, last_epoch: 3, patience: 2 });
    const b = new ReduceLROnPlateau(first, { patience: 2 });
    b.loadStateDict(dict);
    b.step(3);
    expect(first.paramGroups[0]!.lr).toBeCloseTo(0.1, 12);
    expect(() => a.step('1' as unknown as number)).toThrow(ValueError);
  });
});
