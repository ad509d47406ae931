import { describe, expect, it } from 'vitest';
import { ValueError } from '@recur/backend';
import { Generator, manualSeed, rand, randint, randn } from './random.js';
import * as init from './init.js';
import { zeros } from './creation.js';

describe('seeded random numbers', () => {
  it('the same seed gives the same numbers; another seed does not', () => {
    manualSeed(42);
    const a = Array.from(randn([1000]).dataSync());
    const b = Array.from(rand([7]).dataSync());
    manualSeed(42);
    expect(Array.from(randn([1000]).dataSync())).toEqual(a);
    expect(Array.from(rand([7]).dataSync())).toEqual(b);
    manualSeed(43);
    expect(Array.from(randn([1000]).dataSync())).not.toEqual(a);
  });

  it('setState refuses a malformed state and leaves the stream as it was', () => {
    const g = new Generator(9);
    rand([5], { generator: g });
    const before = g.getState();
    const bad: unknown[] = [
      null,
      [],
      { key: [1, 2] },
      { key: [1, 2], counter: 'abc' },
      { key: [1, 2], counter: -1 },
      { key: [1, 2], counter: 1.5 },
      { key: [1], counter: 0 },
      { key: [1, 2 ** 32], counter: 0 },
      { key: null, counter: 0 },
      { counter: 0 },
    ];
    for (const state of bad) expect(() => g.setState(state as never), JSON.stringify(state)).toThrow(ValueError);
    expect(g.getState()).toEqual(before);
    const next = Array.from(rand([3], { generator: g }).dataSync());
    expect(Array.from(rand([3], { generator: g }).dataSync())).not.toEqual(next);
  });

  it('separate generators are independent streams', () => {
    const g1 = new Generator(5);
    const g2 = new Generator(5);
    manualSeed(0);
    const x = rand([10], { generator: g1 }).dataSync();
    rand([10]);
    expect(Array.from(rand([10], { generator: g2 }).dataSync())).toEqual(Array.from(x));
  });

  it('uniform and normal have the right moments; randint stays in range', () => {
    manualSeed(1);
    const u = rand([20000]).dataSync();
    const n = randn([20000]).dataSync();
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
    expect(mean(u)).toBeCloseTo(0.5, 1);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(n)).toBeCloseTo(0, 1);
    expect(mean(Array.from(n).map((x) => x * x))).toBeCloseTo(1, 1);
    const r = randint(3, 7, [1000]);
    expect(r.dtype).toBe('int32');
    const values = Array.from(r.dataSync());
    expect(Math.min(...values)).toBe(3);
    expect(Math.max(...values)).toBe(6);
  });
});

describe('initialisers', () => {
  it('xavierUniform stays within gain·√(6/(fanIn+fanOut))', () => {
    const w = init.xavierUniform(zeros([20, 30]), { gain: 2 });
    const bound = 2 * Math.sqrt(6 / 50);
    const values = Array.from(w.dataSync());
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(bound * 0.9);
  });

  it('kaimingNormal has std gain/√fanIn', () => {
    const w = init.kaimingNormal(zeros([400, 100]), { nonlinearity: 'relu' });
    const v = Array.from(w.dataSync());
    const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(std).toBeCloseTo(Math.SQRT2 / 10, 2);
  });

  it('orthogonal gives QᵀQ = I (tall) and QQᵀ = I (wide)', () => {
    for (const shape of [
      [6, 4],
      [3, 5],
    ] as const) {
      const q = init.orthogonal(zeros([...shape]));
      const gram = shape[0] >= shape[1] ? q.transpose().matmul(q) : q.matmul(q.transpose());
      const n = Math.min(...shape);
      const g = gram.dataSync();
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(g[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 5);
    }
  });

  it('constant and zeros fill in place', () => {
    const w = init.constant(zeros([3]), 2.5);
    expect(Array.from(w.dataSync())).toEqual([2.5, 2.5, 2.5]);
    expect(Array.from(init.zeros(w).dataSync())).toEqual([0, 0, 0]);
  });
});
