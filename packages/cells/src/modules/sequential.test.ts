// Sequential: children named by position, forward chains them and frees the intermediates,
// and the list operations (length, at, append, iteration).

import { describe, expect, it } from 'vitest';
import { IndexError, memory, randn, scope } from '@recur/tensor';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Sequential } from './sequential.js';

describe('Sequential', () => {
  it('chains its modules in order', () => {
    const first = new Linear({ inFeatures: 3, outFeatures: 5 });
    const norm = new LayerNorm({ normalizedShape: 5 });
    const last = new Linear({ inFeatures: 5, outFeatures: 2 });
    const net = new Sequential(first, new Dropout(), norm, last).eval();
    const x = randn([4, 3]);
    scope(() => {
      const y = net.forward(x);
      const manual = last.forward(norm.forward(first.forward(x)));
      expect(y.shape).toEqual([4, 2]);
      expect(Array.from(y.dataSync())).toEqual(Array.from(manual.dataSync()));
    });
    expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '3.weight', '3.bias']);
    x.dispose();
    net.dispose();
  });

  it('supports length, at (negative from the end), append and iteration', () => {
    const a = new Linear({ inFeatures: 2, outFeatures: 2 });
    const b = new Dropout();
    const net = new Sequential(a);
    expect(net.append(b)).toBe(net);
    expect(net.length).toBe(2);
    expect(net.at(0)).toBe(a);
    expect(net.at(-1)).toBe(b);
    expect([...net]).toEqual([a, b]);
    expect(net.namedChildren().map(([name]) => name)).toEqual(['0', '1']);
    expect(() => net.at(2)).toThrow(IndexError);
    expect(() => net.at(-3)).toThrow('Sequential: index -3 out of range for 2 modules (expected -2..1)');
    net.dispose();
  });

  it('returns the input itself when empty', () => {
    const x = randn([2]);
    expect(new Sequential().forward(x)).toBe(x);
    x.dispose();
  });

  it('frees every intermediate activation after a scoped forward and backward', () => {
    const net = new Sequential(
      new Linear({ inFeatures: 6, outFeatures: 8 }),
      new Dropout({ p: 0.1 }),
      new Linear({ inFeatures: 8, outFeatures: 1 }),
    );
    const x = randn([5, 6]);
    const step = () => scope(() => net.forward(x).sum().backward());
    step();
    const before = memory();
    step();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
    x.dispose();
    net.dispose();
  });
});
