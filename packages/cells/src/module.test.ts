// The module system: PyTorch key names and order, state-dict round trips and errors, train/eval,
// zeroGrad, registration rules and memory that stays flat across a scoped training step.

import { describe, expect, it } from 'vitest';
import { ValueError, manualSeed, memory, ones, randn, scope, tensor, zeros, type Tensor } from '@recur/tensor';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { StateDictError } from './errors.js';
import { Dropout, Embedding, LayerNorm, Linear, Sequential } from './modules/index.js';

/** A leaf module with a parameter and an int32 buffer, as BatchNorm's num_batches_tracked. */
class Counter extends Module {
  readonly scale: Parameter;
  readonly steps: Tensor;
  constructor() {
    super();
    this.scale = this.registerParameter('scale', new Parameter(ones([2])));
    this.steps = this.registerBuffer('steps', zeros([1], { dtype: 'int32' }));
  }
  register(kind: 'parameter' | 'buffer' | 'module', name: string): void {
    if (kind === 'parameter') this.registerParameter(name, new Parameter(zeros([1])));
    else if (kind === 'buffer') this.registerBuffer(name, zeros([1]));
    else this.registerModule(name, new Dropout());
  }
  replaceScale(): Parameter {
    return this.registerParameter('scale', new Parameter(zeros([2])));
  }
}

class Tagger extends Module {
  readonly embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: 6, embeddingDim: 3, paddingIdx: 0 }));
  readonly norm = this.registerModule('norm', new LayerNorm({ normalizedShape: 3 }));
  readonly head = this.registerModule(
    'head',
    new Sequential(new Linear({ inFeatures: 3, outFeatures: 4 }), new Dropout({ p: 0.2 }), new Linear({ inFeatures: 4, outFeatures: 2 })),
  );
  readonly counter = this.registerModule('counter', new Counter());

  forward(indices: Tensor): Tensor {
    return scope(() => this.head.forward(this.norm.forward(this.embedding.forward(indices))));
  }
}

const mlp = () =>
  new Sequential(new Linear({ inFeatures: 3, outFeatures: 4 }), new Dropout(), new Linear({ inFeatures: 4, outFeatures: 2 }));

describe('Module: names and order', () => {
  it('names Sequential children 0, 1, 2 with PyTorch keys', () => {
    const net = mlp();
    expect(net.namedParameters().map(([name, p]) => [name, p.shape])).toEqual([
      ['0.weight', [4, 3]],
      ['0.bias', [4]],
      ['2.weight', [2, 4]],
      ['2.bias', [2]],
    ]);
    expect(net.numParameters()).toBe(4 * 3 + 4 + 2 * 4 + 2);
    net.dispose();
  });

  it('lists nested parameters depth first in registration order, buffers in the state dict', () => {
    const net = new Tagger();
    expect(net.namedParameters().map(([name]) => name)).toEqual([
      'embedding.weight',
      'norm.weight',
      'norm.bias',
      'head.0.weight',
      'head.0.bias',
      'head.2.weight',
      'head.2.bias',
      'counter.scale',
    ]);
    expect(Object.keys(net.stateDict())).toEqual([
      'embedding.weight',
      'norm.weight',
      'norm.bias',
      'head.0.weight',
      'head.0.bias',
      'head.2.weight',
      'head.2.bias',
      'counter.scale',
      'counter.steps',
    ]);
    expect(net.namedModules().map(([name]) => name)).toEqual(['', 'embedding', 'norm', 'head', 'head.0', 'head.1', 'head.2', 'counter']);
    expect(net.namedChildren().map(([name]) => name)).toEqual(['embedding', 'norm', 'head', 'counter']);
    net.dispose();
  });

  it("lists a shared module's parameters once", () => {
    const shared = new Linear({ inFeatures: 2, outFeatures: 2 });
    const net = new Sequential(shared, shared);
    expect(net.namedParameters().map(([name]) => name)).toEqual(['0.weight', '0.bias']);
    net.dispose();
  });
});

describe('Module: stateDict and loadStateDict', () => {
  it('round-trips into a fresh module with identical outputs', () => {
    manualSeed(1);
    const source = new Tagger().eval();
    manualSeed(2);
    const target = new Tagger().eval();
    const indices = tensor(
      [
        [1, 2, 0],
        [5, 4, 3],
      ],
      { dtype: 'int32' },
    );
    const before = target.forward(indices);
    const expected = source.forward(indices);
    expect(before.dataSync()).not.toEqual(expected.dataSync());
    const result = target.loadStateDict(source.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const after = target.forward(indices);
    expect(Array.from(after.dataSync())).toEqual(Array.from(expected.dataSync()));
    // Copies, not shared tensors: the two modules stay independent.
    expect(target.stateDict()['head.0.weight']).not.toBe(source.stateDict()['head.0.weight']);
    for (const t of [indices, before, expected, after]) t.dispose();
    source.dispose();
    target.dispose();
  });

  it('strict mode lists missing keys, unexpected keys and shape mismatches in one error, writing nothing', () => {
    const net = mlp();
    const dict = { ...net.stateDict() } as Record<string, Tensor>;
    const original = Array.from(net.stateDict()['0.bias']!.dataSync());
    const wrong = zeros([4, 2]);
    const extra = zeros([3]);
    const bias = ones([4]);
    delete dict['2.bias'];
    dict['0.weight'] = wrong;
    dict['0.bias'] = bias;
    dict['extra.weight'] = extra;
    let error: unknown;
    try {
      net.loadStateDict(dict);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const e = error as StateDictError;
    expect(e.missingKeys).toEqual(['2.bias']);
    expect(e.unexpectedKeys).toEqual(['extra.weight']);
    expect(e.shapeMismatches).toEqual(['0.weight: checkpoint [4,2], module [4,3]']);
    expect(e.message).toMatch(/missing keys: 2\.bias/);
    expect(e.message).toMatch(/unexpected keys: extra\.weight/);
    expect(e.message).toMatch(/0\.weight: checkpoint \[4,2\], module \[4,3\]/);
    expect(Array.from(net.stateDict()['0.bias']!.dataSync())).toEqual(original);
    for (const t of [wrong, extra, bias]) t.dispose();
    net.dispose();
  });

  it('non-strict mode returns the lists and loads the keys that are present', () => {
    const net = mlp();
    const weight = ones([4, 3]);
    const extra = zeros([1]);
    const result = net.loadStateDict({ '0.weight': weight, stray: extra }, { strict: false });
    expect(result.missingKeys).toEqual(['0.bias', '2.weight', '2.bias']);
    expect(result.unexpectedKeys).toEqual(['stray']);
    expect(Array.from(net.stateDict()['0.weight']!.dataSync())).toEqual(new Array(12).fill(1));
    // A shape mismatch is an error even when not strict (as PyTorch's size-mismatch error).
    const wrong = ones([2, 2]);
    expect(() => net.loadStateDict({ '2.weight': wrong }, { strict: false })).toThrow(StateDictError);
    for (const t of [weight, extra, wrong]) t.dispose();
    net.dispose();
  });

  it('casts a checkpoint of another dtype and loads buffers', () => {
    const counter = new Counter();
    const scale = tensor([3, 4], { dtype: 'int32' });
    const steps = tensor([7], { dtype: 'int32' });
    counter.loadStateDict({ scale, steps });
    expect(Array.from(counter.scale.dataSync())).toEqual([3, 4]);
    expect(counter.scale.dtype).toBe('float32');
    expect(Array.from(counter.steps.dataSync())).toEqual([7]);
    scale.dispose();
    steps.dispose();
    counter.dispose();
  });

  it('does not treat Object.prototype names as keys', () => {
    const net = mlp();
    const result = net.loadStateDict({ toString: ones([1]) } as Record<string, Tensor>, { strict: false });
    expect(result.unexpectedKeys).toEqual(['toString']);
    expect(result.missingKeys).toHaveLength(4);
    net.dispose();
  });
});

describe('Module: modes, gradients and registration', () => {
  it('train() and eval() reach every descendant', () => {
    const net = new Tagger();
    const modes = () => net.namedModules().map(([, m]) => m.training);
    expect(modes().every(Boolean)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(modes().some(Boolean)).toBe(false);
    expect(net.head.at(1).training).toBe(false);
    net.train();
    expect(modes().every(Boolean)).toBe(true);
    net.train(false);
    expect(modes().some(Boolean)).toBe(false);
    net.dispose();
  });

  it('zeroGrad drops every gradient and frees its memory', () => {
    const net = mlp();
    const x = randn([5, 3]);
    const start = memory().numTensors;
    scope(() => net.forward(x).sum().backward());
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    expect(memory().numTensors).toBe(start + 4);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    expect(memory().numTensors).toBe(start);
    x.dispose();
    net.dispose();
  });

  it('keeps memory flat across a scoped forward and backward', () => {
    const net = new Tagger();
    const indices = tensor(
      [
        [1, 0, 2, 2],
        [4, 5, 0, 3],
      ],
      { dtype: 'int32' },
    );
    const step = () => scope(() => net.forward(indices).square().mean().backward());
    step();
    const before = memory();
    step();
    step();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBuffers).toBe(before.numBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    indices.dispose();
    net.dispose();
  });

  it('dispose() frees parameters, buffers and gradients', () => {
    const start = memory();
    const net = new Tagger();
    const indices = tensor([[1, 2]], { dtype: 'int32' });
    scope(() => net.forward(indices).sum().backward());
    indices.dispose();
    net.dispose();
    expect(memory().numTensors).toBe(start.numTensors);
    expect(memory().numBytes).toBe(start.numBytes);
  });

  it('parameters and buffers outlive the scope that built the module', () => {
    const counter = scope(() => new Counter());
    expect(counter.scale.isDisposed).toBe(false);
    expect(counter.steps.isDisposed).toBe(false);
    counter.dispose();
    expect(counter.steps.isDisposed).toBe(true);
  });

  it('replacing a parameter frees the old one', () => {
    const counter = new Counter();
    const old = counter.scale;
    const fresh = counter.replaceScale();
    expect(old.isDisposed).toBe(true);
    expect(counter.namedParameters()).toEqual([['scale', fresh]]);
    counter.dispose();
  });

  it('rejects names that would make state-dict keys ambiguous', () => {
    const counter = new Counter();
    expect(() => counter.register('parameter', 'a.b')).toThrow(ValueError);
    expect(() => counter.register('module', '')).toThrow(/non-empty/);
    expect(() => counter.register('buffer', 'scale')).toThrow(/already registered/);
    expect(() => counter.register('module', 'steps')).toThrow(ValueError);
    counter.dispose();
  });
});
