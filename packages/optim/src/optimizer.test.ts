import {
  FormatError,
  GradError,
  ShapeError,
  ValueError,
  manualSeed,
  memory,
  noGrad,
  randn,
  scope,
  tensor,
  zeros,
  type Tensor,
} from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer, ParamState } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const param = (data: number[]): Tensor => tensor(data, { requiresGrad: true });
function setGrad(p: Tensor, data: number[]): void {
  p.grad?.dispose();
  p.grad = tensor(data);
}

type Any = Optimizer<{ lr: number }, ParamState>;
const FACTORIES: readonly [string, (params: Tensor[]) => Any][] = [
  ['SGD momentum nesterov', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }) as unknown as Any],
  ['Adam amsgrad (fused)', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true }) as unknown as Any],
  ['Adam (composed)', (ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.1, fused: false }) as unknown as Any],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 }) as unknown as Any],
  ['RMSprop centered momentum', (ps) => new RMSprop(ps, { centered: true, momentum: 0.5 }) as unknown as Any],
  ['Adagrad', (ps) => new Adagrad(ps, { lrDecay: 0.1, initialAccumulatorValue: 0.1 }) as unknown as Any],
];

/** Grads for step k of parameters shaped [2, 3] and [4], from a fixed seed. */
function gradsFor(params: Tensor[], k: number): void {
  manualSeed(100 + k);
  for (const p of params) {
    p.grad?.dispose();
    p.grad = randn(p.shape);
  }
}

function freshParams(): Tensor[] {
  manualSeed(1);
  return [randn([2, 3]).requireGrad(), randn([4]).requireGrad()];
}

describe('parameter groups', () => {
  it('each group steps with its own lr; missing options come from the defaults', () => {
    const a = param([1]);
    const b = param([1]);
    const optimizer = new SGD([{ params: [a], lr: 0.5 }, { params: [b] }], { lr: 0.1, momentum: 0 });
    expect(optimizer.paramGroups[0]!.lr).toBe(0.5);
    expect(optimizer.paramGroups[1]!.lr).toBe(0.1);
    setGrad(a, [1]);
    setGrad(b, [1]);
    optimizer.step();
    expect(values(a)[0]).toBeCloseTo(0.5, 6);
    expect(values(b)[0]).toBeCloseTo(0.9, 6);
    a.dispose();
    b.dispose();
  });

  it('addParamGroup adds parameters later; a parameter may not be in two groups', () => {
    const a = param([1]);
    const b = param([2]);
    const optimizer = new Adam([a], { lr: 0.1 });
    optimizer.addParamGroup({ params: [b], lr: 0.2 });
    expect(optimizer.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.2]);
    expect(() => optimizer.addParamGroup({ params: [a] })).toThrow(/appears more than once/);
    a.dispose();
    b.dispose();
  });

  it('parameters without a gradient are skipped; parameters keep their identity', () => {
    const a = param([1]);
    const b = param([1]);
    const optimizer = new Adam([a, b], { lr: 0.1 });
    setGrad(a, [1]);
    optimizer.step();
    expect(values(b)).toEqual([1]);
    expect(optimizer.state.has(b)).toBe(false);
    expect(optimizer.paramGroups[0]!.params[0]).toBe(a);
    optimizer.dispose();
    a.dispose();
    b.dispose();
  });

  it('step(closure) evaluates the loss with grad enabled and returns it', () => {
    const p = param([3]);
    const optimizer = new SGD([p], { lr: 0.1 });
    const loss = optimizer.step(() => {
      optimizer.zeroGrad();
      const l = scope(() => p.mul(p).sum());
      l.backward();
      const value = l.itemSync();
      l.dispose();
      return value;
    });
    expect(loss).toBe(9);
    expect(values(p)[0]).toBeCloseTo(2.4, 6);
    p.dispose();
  });
});

describe('zeroGrad', () => {
  it('drops the gradients (set to none) by default, or zeroes them in place', () => {
    const p = param([1, 2]);
    const optimizer = new SGD([p], { lr: 0.1 });
    setGrad(p, [1, 1]);
    const grad = p.grad!;
    optimizer.zeroGrad({ setToNone: false });
    expect(p.grad).toBe(grad);
    expect(values(grad)).toEqual([0, 0]);
    optimizer.zeroGrad();
    expect(p.grad).toBeNull();
    expect(grad.isDisposed).toBe(true);
    p.dispose();
  });
});

describe('stateDict / loadStateDict', () => {
  it('has PyTorch’s structure and snake_case keys', () => {
    const [a, b] = freshParams();
    const optimizer = new Adam([{ params: [a!] }, { params: [b!], lr: 0.5 }], { lr: 0.01, weightDecay: 0.1, amsgrad: true });
    gradsFor([a!, b!], 0);
    optimizer.step();
    const dict = optimizer.stateDict();
    expect(Object.keys(dict)).toEqual(['state', 'param_groups']);
    expect(dict.param_groups[0]).toEqual({
      lr: 0.01,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0.1,
      amsgrad: true,
      maximize: false,
      fused: null,
      params: [0],
    });
    expect(dict.param_groups[1]!.params).toEqual([1]);
    expect(dict.param_groups[1]!.lr).toBe(0.5);
    expect(Object.keys(dict.state[0]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(dict.state[1]!.step).toBe(1);
    optimizer.dispose();
    a!.dispose();
    b!.dispose();
  });

  it.each(FACTORIES)('%s: a fresh optimizer loaded from the dict continues identically', (_name, make) => {
    const original = freshParams();
    const first = make(original);
    for (let k = 0; k < 3; k++) {
      gradsFor(original, k);
      first.step();
    }
    const copies = original.map((p) => noGrad(() => p.clone()).requireGrad());
    const second = make(copies);
    second.paramGroups[0]!.lr = 123; // overwritten by the load
    second.loadStateDict(first.stateDict());
    expect(second.paramGroups[0]!.lr).toBe(first.paramGroups[0]!.lr);
    for (let k = 3; k < 6; k++) {
      gradsFor(original, k);
      gradsFor(copies, k);
      first.step();
      second.step();
    }
    original.forEach((p, i) => expect(values(copies[i]!)).toEqual(values(p)));
    // The loaded state is a copy: the first optimizer's tensors are not shared.
    const [p0] = original;
    expect(second.state.get(copies[0]!)).not.toBe(first.state.get(p0!));
    for (const t of [...original, ...copies]) t.dispose();
    first.dispose();
    second.dispose();
  });

  it('refuses a dict whose groups do not match, and one that lacks state the options need', () => {
    const [a, b] = freshParams();
    const one = new Adam([a!, b!]);
    const two = new Adam([{ params: [a!] }, { params: [b!] }]);
    expect(() => two.loadStateDict(one.stateDict())).toThrow(/expected 2 parameter groups; got 1/);
    const single = new Adam([a!]);
    expect(() => single.loadStateDict(one.stateDict())).toThrow(/parameter group 0 has 1 parameters; the state dict's has 2/);
    a!.grad = zeros([2, 3]);
    one.step();
    const dict = one.stateDict();
    delete (dict.state[0] as Record<string, unknown>).exp_avg_sq;
    const fresh = new Adam([a!, b!]);
    expect(() => fresh.loadStateDict(dict)).toThrow(FormatError);
    expect(() => fresh.loadStateDict(dict)).toThrow(/state\[0\] lacks exp_avg_sq/);
    for (const o of [one, two, single, fresh]) o.dispose();
    a!.dispose();
    b!.dispose();
  });
});

describe('errors', () => {
  it('empty parameter lists and groups', () => {
    expect(() => new Adam([])).toThrow(ValueError);
    expect(() => new Adam([])).toThrow(/Adam: got an empty parameter list; expected at least one tensor/);
    expect(() => new SGD([{ params: [] }], { lr: 0.1 })).toThrow(/SGD: parameter group 0 is empty; expected at least one tensor/);
  });

  it('parameters that do not require grad, or are not leaves', () => {
    const frozen = tensor([1, 2]);
    expect(() => new Adam([frozen])).toThrow(GradError);
    expect(() => new Adam([frozen])).toThrow(/parameter 0 of parameter group 0 \(shape \[2\]\): expected requiresGrad = true; got false/);
    const p = param([1]);
    const computed = p.mul(2);
    expect(() => new Adam([computed])).toThrow(/expected a leaf tensor; got one computed by 'mul'/);
    expect(() => new Adam([{ params: [p], lr: -0.5 }])).toThrow(
      /Adam: invalid lr \(parameter group 0\): expected a finite number ≥ 0, got -0.5/,
    );
    frozen.dispose();
    computed.dispose();
    p.dispose();
  });

  it('a gradient of the wrong shape', () => {
    const p = param([1, 2]);
    const optimizer = new SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 2, 3]);
    expect(() => optimizer.step()).toThrow(ShapeError);
    expect(() => optimizer.step()).toThrow(/SGD.step: gradient \[3\] for a parameter of shape \[2\]/);
    p.dispose();
  });
});

describe('memory', () => {
  it.each(FACTORIES)('%s: flat over 100 steps, and dispose() gives the state back', (_name, make) => {
    const params = freshParams();
    const before = memory();
    const optimizer = make(params);
    const train = (): void => {
      scope(() => params[0]!.mul(params[0]!).sum().add(params[1]!.sum().mul(3)).backward());
      optimizer.step();
      optimizer.zeroGrad();
    };
    train();
    const settled = memory();
    for (let k = 1; k < 100; k++) train();
    const after = memory();
    expect(after.numTensors).toBe(settled.numTensors);
    expect(after.numBuffers).toBe(settled.numBuffers);
    expect(after.numBytes).toBe(settled.numBytes);
    optimizer.dispose();
    expect(memory().numBuffers).toBe(before.numBuffers);
    for (const p of params) p.dispose();
  });
});
