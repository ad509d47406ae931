// Optimizer.to after Module.to: a model trained some steps on one backend, moved with its
// optimizer to another (a second CPU backend here; backend-webgpu's move.test.ts does cpu ↔
// webgpu), gives the same outputs and keeps training exactly as if it had never moved.

import { beforeAll, describe, expect, it } from 'vitest';
import { Linear, mseLoss } from '@recur/cells';
import { createCpuBackend } from '@recur/backend-cpu';
import { BackendError, getBackend, manualSeed, memory, randn, registerBackend, scope, type BackendV1, type Tensor } from '@recur/tensor';
import { Adam } from './adam.js';

function other(): BackendV1 {
  const backend = createCpuBackend();
  return new Proxy(backend, {
    get(target, key) {
      if (key === 'name') return 'cpu2';
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let home: BackendV1;
beforeAll(() => {
  home = getBackend();
  registerBackend(other, { name: 'cpu2' });
});

function setup(): { model: Linear; opt: Adam; x: Tensor; y: Tensor } {
  manualSeed(3);
  const model = new Linear({ inFeatures: 3, outFeatures: 2 });
  const opt = new Adam(model.parameters(), { lr: 0.05 });
  return { model, opt, x: randn([4, 3]), y: randn([4, 2]) };
}

function trainStep(model: Linear, opt: Adam, x: Tensor, y: Tensor): void {
  scope(() => {
    opt.zeroGrad();
    mseLoss(model.forward(x), y).backward();
    opt.step();
  });
}

describe('module.to + optimizer.to', () => {
  it('moves there and back: same outputs, and training continues step for step', async () => {
    const a = setup();
    const b = setup();
    for (let i = 0; i < 3; i++) {
      trainStep(a.model, a.opt, a.x, a.y);
      trainStep(b.model, b.opt, b.x, b.y);
    }
    const params = a.model.parameters();
    await a.model.to('cpu2');
    await a.opt.to('cpu2');
    expect(a.model.parameters()).toEqual(params); // the same Parameter objects
    expect(a.model.weight.backend).toBe('cpu2');
    expect(a.model.weight.grad!.backend).toBe('cpu2');
    const x2 = await a.x.to('cpu2');
    const y2 = await a.y.to('cpu2');
    const outA = scope(() => a.model.forward(x2));
    const outB = scope(() => b.model.forward(b.x));
    expect(outA.backend).toBe('cpu2');
    expect(await outA.data()).toEqual(await outB.data());
    outA.dispose();
    outB.dispose();
    trainStep(a.model, a.opt, x2, y2); // a step on the new backend
    trainStep(b.model, b.opt, b.x, b.y);
    await a.model.to(home);
    await a.opt.to(home);
    trainStep(a.model, a.opt, a.x, a.y); // and back home
    trainStep(b.model, b.opt, b.x, b.y);
    expect(a.model.weight.backend).toBe(home.name);
    expect(await a.model.weight.data()).toEqual(await b.model.weight.data());
    expect(await a.model.bias!.data()).toEqual(await b.model.bias!.data());
    expect(memory().backends.cpu2!.numBuffers).toBe(2); // only x2, y2 remain there
  });

  it('a step with the optimizer left behind is refused, naming optimizer.to', async () => {
    const { model, opt, x, y } = setup();
    trainStep(model, opt, x, y);
    await model.to('cpu2');
    const x2 = await x.to('cpu2');
    const y2 = await y.to('cpu2');
    expect(() => trainStep(model, opt, x2, y2)).toThrow(BackendError);
    expect(() => trainStep(model, opt, x2, y2)).toThrow(
      /Adam\.step: expected state 'exp_avg' of a parameter on the parameter's backend 'cpu2'; got it on 'cpu'; move the optimizer with its module: await optimizer\.to\('cpu2'\)/,
    );
    await expect(opt.to(7 as never)).rejects.toThrow(/Adam\.to: expected a backend instance or the name of a registered backend/);
  });

  it('a state left on another instance of the same name is refused too (instances, not names, are compared)', async () => {
    const { model, opt, x, y } = setup();
    trainStep(model, opt, x, y);
    const twin = createCpuBackend(); // never registered: its name 'cpu' is the home backend's
    await model.to(twin);
    const [x2, y2] = [await x.to(twin), await y.to(twin)];
    expect(() => trainStep(model, opt, x2, y2)).toThrow(
      /Adam\.step: expected state 'exp_avg' of a parameter on the parameter's backend 'cpu'; got it on 'cpu' \(another instance of that name\)/,
    );
    await opt.to(twin);
    trainStep(model, opt, x2, y2);
    expect(model.weight.backend).toBe('cpu');
  });
});
