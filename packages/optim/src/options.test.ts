// Option objects of the optimizers and schedulers: an unknown (misspelt) key is a ValueError
// naming it, never silently ignored; SGD without any lr says that lr is required.

import { ValueError, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';
import {
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SequentialLR,
  StepLR,
  clipGradNorm,
  clipGradNormAsync,
} from './index.js';

const param = (): Tensor => tensor([1, 2], { requiresGrad: true });
const loose = <T>(value: unknown): T => value as T;

describe('optimizer options', () => {
  it('a misspelt option is a ValueError with a suggestion', () => {
    expect(() => new Adam([param()], loose({ lrr: 0.5 }))).toThrow(ValueError);
    expect(() => new Adam([param()], loose({ lrr: 0.5 }))).toThrow("Adam: unknown option 'lrr' (did you mean 'lr'?)");
    expect(() => new AdamW([param()], loose({ weight_decay: 0.1 }))).toThrow(/AdamW: unknown option 'weight_decay'/);
    expect(() => new SGD([param()], loose({ lr: 0.1, momentun: 0.9 }))).toThrow(/did you mean 'momentum'/);
    expect(() => new RMSprop([param()], loose({ alfa: 0.9 }))).toThrow(/RMSprop: unknown option 'alfa'/);
    expect(() => new Adagrad([param()], loose({ lr_decay: 0.1 }))).toThrow(/Adagrad: unknown option 'lr_decay'/);
    expect(() => new Adam([param()], loose(0.5))).toThrow('Adam: expected an options object');
  });

  it('SGD without an lr says lr is required, not "got NaN"', () => {
    expect(() => new SGD([param()])).toThrow(ValueError);
    expect(() => new SGD([param()])).toThrow(/SGD: lr is required/);
    expect(() => new SGD([param()])).not.toThrow(/NaN/);
    expect(() => new SGD([param()], { lr: Number.NaN })).toThrow(/invalid lr \(options\)/);
    expect(new SGD([{ params: [param()], lr: 0.1 }]).paramGroups[0]!.lr).toBe(0.1);
  });

  it('valid options still construct', () => {
    expect(new Adam([param()], { lr: 0.5, betas: [0.8, 0.9] }).defaults.lr).toBe(0.5);
    expect(new RMSprop([param()], { alpha: 0.9 }).defaults.alpha).toBe(0.9);
  });
});

describe('parameter groups, schedulers and clipping', () => {
  it('a misspelt key in a parameter group is a ValueError', () => {
    expect(() => new Adam([{ params: [param()], lrr: 0.1 } as never])).toThrow(
      /Adam \(parameter group 0\): unknown option 'lrr' \(did you mean 'lr'\?\)/,
    );
    const optimizer = new SGD([param()], { lr: 0.1 });
    expect(() => optimizer.addParamGroup(loose({ params: [param()], momentun: 0.9 }))).toThrow(
      /parameter group 1.*did you mean 'momentum'/,
    );
    optimizer.addParamGroup({ params: [param()], momentum: 0.9 });
    expect(() => optimizer.zeroGrad(loose({ set_to_none: false }))).toThrow(/SGD.zeroGrad: unknown option 'set_to_none'/);
    expect(optimizer.paramGroups[1]!.momentum).toBe(0.9);
  });

  it('every scheduler rejects unknown option keys', () => {
    const optimizer = new SGD([param()], { lr: 0.1 });
    const cases: [string, () => unknown][] = [
      ['StepLR', () => new StepLR(optimizer, loose({ stepSize: 2, step_size: 2 }))],
      ['MultiStepLR', () => new MultiStepLR(optimizer, loose({ milestones: [1], gama: 0.5 }))],
      ['ExponentialLR', () => new ExponentialLR(optimizer, loose({ gamma: 0.5, last_epoch: -1 }))],
      ['LinearLR', () => new LinearLR(optimizer, loose({ totalIter: 3 }))],
      ['CosineAnnealingLR', () => new CosineAnnealingLR(optimizer, loose({ TMax: 3, eta_min: 0 }))],
      ['CosineAnnealingWarmRestarts', () => new CosineAnnealingWarmRestarts(optimizer, loose({ T0: 3, Tmult: 2 }))],
      ['OneCycleLR', () => new OneCycleLR(optimizer, loose({ maxLr: 1, totalSteps: 10, pct_start: 0.3 }))],
      ['ReduceLROnPlateau', () => new ReduceLROnPlateau(optimizer, loose({ patience: 2, cooldwn: 1 }))],
      ['SequentialLR', () => new SequentialLR(optimizer, loose({ schedulers: [], milestones: [], extra: 1 }))],
    ];
    for (const [name, make] of cases) expect(make, name).toThrow(new RegExp(`${name}: unknown option`));
    expect(() => new StepLR(optimizer, loose(2))).toThrow(/StepLR: expected an options object/);
  });

  it('clipGradNorm and clipGradNormAsync reject unknown option keys', async () => {
    const p = param();
    p.grad = tensor([3, 4]);
    expect(() => clipGradNorm([p], 1, loose({ norm_type: 2 }))).toThrow(/clipGradNorm: unknown option 'norm_type'/);
    await expect(clipGradNormAsync([p], 1, loose({ norm_type: 2 }))).rejects.toThrow(/clipGradNorm: unknown option 'norm_type'/);
  });
});

describe('arguments that are not parameters or optimizers', () => {
  it('are a ValueError, not a TypeError', () => {
    for (const bad of [null, undefined, 1, {}]) {
      expect(() => new SGD(loose(bad), { lr: 0.1 })).toThrow(ValueError);
      expect(() => new StepLR(loose(bad), { stepSize: 1 })).toThrow(/StepLR: expected an optimizer/);
      expect(() => clipGradNorm(loose(bad), 1)).toThrow(ValueError);
    }
    expect(() => new ReduceLROnPlateau(loose(null))).toThrow(ValueError);
    expect(() => new OneCycleLR(loose({}), { maxLr: 1, totalSteps: 2 })).toThrow(/OneCycleLR: expected an optimizer/);
  });
});
