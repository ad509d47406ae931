// Option objects of the optimizers and schedulers: an unknown (misspelt) key is a ValueError
// naming it, never silently ignored; SGD without any lr says that lr is required.

import { createCpuBackend } from '@recur/backend-cpu';
import { ValueError, registerBackend, tensor, useBackend, type Tensor } from '@recur/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

beforeAll(async () => {
  registerBackend(createCpuBackend, { name: 'cpu' });
  await useBackend('cpu');
});

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
