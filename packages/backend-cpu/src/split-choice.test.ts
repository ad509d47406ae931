// The learnt split choice on a fake clock: it tries both ways first, then keeps the faster one
// per size class, still trying the other one product in sixteen, and follows a change of load.

import { describe, expect, it } from 'vitest';
import { SplitChoice } from './split-choice.js';

/** A clock the runs advance: each run costs `cost(split)` ms. */
function fixture(cost: (split: boolean) => number) {
  let time = 0;
  const choice = new SplitChoice(() => time);
  const ways: boolean[] = [];
  const product = (M = 32, work = 8 << 20): void =>
    choice.run(M, work, (split) => {
      ways.push(split);
      time += cost(split);
      return true;
    });
  return { product, ways };
}

describe('split choice', () => {
  it('splits from the start, measures one thread, then keeps splitting where it pays', () => {
    const { product, ways } = fixture((split) => (split ? 1 : 1.4));
    for (let n = 0; n < 64; n++) product();
    expect(ways.slice(0, 4)).toEqual([true, true, false, false]);
    const later = ways.slice(4);
    // Products 4…63: those numbered 16, 32 and 48 explore.
    expect(later.filter((split) => !split).length).toBe(3);
    expect(later.filter(Boolean).length).toBe(57);
  });

  it('falls back to one thread where splitting loses (a busy machine), and back when it pays again', () => {
    let busy = true;
    const { product, ways } = fixture((split) => (split ? (busy ? 3 : 1) : 2));
    for (let n = 0; n < 64; n++) product();
    expect(ways.slice(4).filter(Boolean).length).toBe(3);
    busy = false;
    const from = ways.length;
    for (let n = 0; n < 160; n++) product();
    // The explored splits pull the average down; within a few explorations it splits again.
    expect(ways.slice(-32).filter(Boolean).length).toBeGreaterThanOrEqual(30);
    expect(ways.length - from).toBe(160);
  });

  it('tries the other way less often when it is far slower', () => {
    const { product, ways } = fixture((split) => (split ? 8 : 2));
    for (let n = 0; n < 132; n++) product();
    // Products 4…131: those numbered 64 and 128 explore.
    expect(ways.slice(4).filter(Boolean).length).toBe(2);
  });

  it('keeps size classes apart', () => {
    const { product, ways } = fixture((split) => (split ? 1 : 2));
    for (let n = 0; n < 8; n++) product(32, 8 << 20);
    ways.length = 0;
    product(512, 128 << 20); // a new class: starts with its own two splits
    product(512, 128 << 20);
    product(512, 128 << 20);
    expect(ways).toEqual([true, true, false]);
  });

  it('counts a split that could not run as one thread', () => {
    let time = 0;
    const choice = new SplitChoice(() => time);
    const ways: boolean[] = [];
    for (let n = 0; n < 6; n++) {
      choice.run(32, 8 << 20, (split) => {
        ways.push(split);
        time += 1;
        return !split; // never splits
      });
    }
    // Each attempt to split falls through to one thread; the choice keeps asking (it never learns a split).
    expect(ways.filter((split) => !split).length).toBe(6);
  });
});
