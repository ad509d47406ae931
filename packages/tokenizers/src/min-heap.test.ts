// The heap pops in `before` order.

import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('pops numbers in ascending order and tuples by their comparator', () => {
    const values = [5, 3, 9, 1, 1, 8, 2, 7, 0, 6];
    const heap = new MinHeap<number>((a, b) => a < b);
    values.forEach((value) => heap.push(value));
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    expect(out).toEqual([...values].sort((a, b) => a - b));
    expect(heap.pop()).toBeUndefined();

    const byCountThenName = new MinHeap<[number, string]>((a, b) => a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]));
    for (const item of [
      [2, 'b'],
      [3, 'z'],
      [2, 'a'],
      [3, 'c'],
    ] as [number, string][])
      byCountThenName.push(item);
    expect([byCountThenName.pop(), byCountThenName.pop(), byCountThenName.pop()]).toEqual([
      [3, 'c'],
      [3, 'z'],
      [2, 'a'],
    ]);
  });
});
