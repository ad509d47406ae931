// The block allocator over a wasm memory's byte range: alignment, reuse of freed blocks, merging
// of free neighbours, the top given back, the scratch room raised below the blocks, and failure
// (null) when the memory cannot grow.

import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@recur/backend';
import { BlockAllocator, GRAIN } from './wasm-allocator.js';

/** An allocator whose memory may grow up to `limit` bytes; `reached` is what it asked for. */
function allocator(base = 1000, limit = 1 << 20): { blocks: BlockAllocator; reached: () => number } {
  let reached = 0;
  const blocks = new BlockAllocator(base, (end) => {
    if (end > limit) return false;
    reached = Math.max(reached, end);
    return true;
  });
  return { blocks, reached: () => reached };
}

describe('block allocator', () => {
  it('hands out GRAIN-aligned, disjoint blocks above the base and grows the memory to cover them', () => {
    const { blocks, reached } = allocator();
    expect(blocks.base).toBe(1024);
    const a = blocks.allocate(1)!;
    const b = blocks.allocate(100)!;
    const c = blocks.allocate(32)!;
    expect([a, b, c]).toEqual([1024, 1024 + GRAIN, 1024 + GRAIN + 128]);
    expect(blocks.sizeOf(b)).toBe(128);
    expect(blocks.usedBytes).toBe(32 + 128 + 32);
    expect(reached()).toBe(blocks.top);
    expect(blocks.top).toBe(c + 32);
  });

  it('reuses a freed block, splitting off the rest, and merges freed neighbours into one', () => {
    const { blocks } = allocator();
    const a = blocks.allocate(256)!;
    const b = blocks.allocate(256)!;
    const c = blocks.allocate(256)!;
    const guard = blocks.allocate(32)!;
    blocks.release(b);
    // Smaller than the hole: placed at its start, the rest stays free for the next one.
    expect(blocks.allocate(64)).toBe(b);
    expect(blocks.allocate(192)).toBe(b + 64);
    blocks.release(b);
    blocks.release(b + 64);
    blocks.release(a);
    blocks.release(c);
    // a, b and c merged into one free run of 768 bytes below the guard.
    const top = blocks.top;
    expect(blocks.allocate(768)).toBe(a);
    expect(blocks.top).toBe(top);
    expect(guard).toBe(c + 256);
  });

  it('gives the top back when the highest block is freed, with any free run below it', () => {
    const { blocks } = allocator();
    const a = blocks.allocate(64)!;
    const b = blocks.allocate(64)!;
    const c = blocks.allocate(64)!;
    blocks.release(b);
    blocks.release(c);
    expect(blocks.top).toBe(b);
    blocks.release(a);
    expect(blocks.top).toBe(blocks.base);
    expect(blocks.usedBytes).toBe(0);
  });

  it('returns null when the memory cannot grow, and throws on a block it never handed out', () => {
    const { blocks } = allocator(0, 4096);
    expect(blocks.allocate(4096)).toBe(0);
    expect(blocks.allocate(1)).toBeNull();
    expect(() => blocks.release(32)).toThrow(RangeError);
    blocks.release(0);
    expect(() => blocks.release(0)).toThrow(RangeError);
  });

  it('raises the base over free room only, never over a live block', () => {
    const { blocks } = allocator(1024);
    expect(blocks.raiseBase(2048)).toBe(true);
    expect(blocks.base).toBe(2048);
    const a = blocks.allocate(512)!;
    const b = blocks.allocate(512)!;
    expect(blocks.raiseBase(2100)).toBe(false);
    blocks.release(a);
    expect(blocks.raiseBase(2100)).toBe(true);
    expect(blocks.base).toBe(2112);
    // The rest of a's room is still free and used again.
    expect(blocks.allocate(400)).toBe(2112);
    expect(blocks.raiseBase(b + 1)).toBe(false);
  });

  it('keeps blocks disjoint and the byte count right over a random run of allocations and frees', () => {
    const random = mulberry32(3);
    const { blocks } = allocator(0, 1 << 24);
    const live = new Map<number, number>();
    for (let step = 0; step < 4000; step++) {
      if (live.size > 0 && random() < 0.45) {
        const starts = [...live.keys()];
        const start = starts[Math.floor(random() * starts.length)]!;
        blocks.release(start);
        live.delete(start);
      } else {
        const bytes = 1 + Math.floor(random() * random() * 5000);
        const start = blocks.allocate(bytes)!;
        expect(start % GRAIN).toBe(0);
        live.set(start, blocks.sizeOf(start)!);
      }
    }
    const sorted = [...live].sort(([x], [y]) => x - y);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]![0]).toBeGreaterThanOrEqual(sorted[i - 1]![0] + sorted[i - 1]![1]);
    expect(blocks.usedBytes).toBe(sorted.reduce((sum, [, size]) => sum + size, 0));
    for (const start of live.keys()) blocks.release(start);
    expect(blocks.top).toBe(0);
  });
});
