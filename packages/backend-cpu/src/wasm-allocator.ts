// Blocks of a wasm memory's byte range [base, top): first fit over free lists by size class (a
// class per power of two), neighbours coalesced on release, the top extended (the memory grown)
// when no free block fits. Wasm memory never shrinks, so freed blocks are only ever reused.
// Every block starts and ends on a GRAIN boundary; the bookkeeping lives in JS maps, not in memory.

/** Block granularity in bytes: 16-byte aligned for v128, and whole 8-float groups (an NR strip). */
export const GRAIN = 32;

const roundUp = (bytes: number): number => Math.ceil(bytes / GRAIN) * GRAIN;
/** Size class of a block: ⌊log2(bytes / GRAIN)⌋. */
const classOf = (bytes: number): number => 31 - Math.clz32(bytes / GRAIN);

export class BlockAllocator {
  // Makes the memory reach at least `end` bytes; false when it cannot grow that far.
  readonly #reach: (end: number) => boolean;
  #base: number;
  #top: number;
  readonly #used = new Map<number, number>();
  readonly #freeAt = new Map<number, number>();
  readonly #freeEnding = new Map<number, number>();
  readonly #bins: Set<number>[] = [];
  #usedBytes = 0;

  constructor(base: number, reach: (end: number) => boolean) {
    this.#base = this.#top = roundUp(base);
    this.#reach = reach;
  }

  /** Start of the managed range (what lies below belongs to the caller). */
  get base(): number {
    return this.#base;
  }

  /** End of the highest block handed out or kept free. */
  get top(): number {
    return this.#top;
  }

  /** Bytes in blocks handed out and not yet released. */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** Bytes of `start`'s block (its request rounded up to GRAIN), or undefined if it is not live. */
  sizeOf(start: number): number | undefined {
    return this.#used.get(start);
  }

  /** The start of a block of at least `bytes` (≥ 1), or null when the memory cannot grow enough. */
  allocate(bytes: number): number | null {
    const size = roundUp(Math.max(bytes, 1));
    const start = this.#fromFreeLists(size) ?? this.#fromTop(size);
    if (start === null) return null;
    this.#used.set(start, size);
    this.#usedBytes += size;
    return start;
  }

  /** Returns `start`'s block; it merges with free neighbours (and the top, if it ends there). */
  release(start: number): void {
    const size = this.#used.get(start);
    if (size === undefined) throw new RangeError(`wasm allocator: no live block at ${start}`);
    this.#used.delete(start);
    this.#usedBytes -= size;
    let from = start;
    let to = start + size;
    const before = this.#freeEnding.get(from);
    if (before !== undefined) {
      this.#unlink(before);
      from = before;
    }
    const afterSize = this.#freeAt.get(to);
    if (afterSize !== undefined) {
      this.#unlink(to);
      to += afterSize;
    }
    if (to === this.#top) this.#top = from;
    else this.#link(from, to - from);
  }

  /**
   * Moves the base up to `base` (the caller's room below grows), when no live block lies below
   * it; false otherwise. The memory is made to reach `base`.
   */
  raiseBase(base: number): boolean {
    const target = roundUp(base);
    if (target <= this.#base) return true;
    if (!this.#reach(target)) return false;
    if (this.#top === this.#base) {
      this.#base = this.#top = target;
      return true;
    }
    const size = this.#freeAt.get(this.#base);
    if (size === undefined || this.#base + size < target) return false;
    this.#unlink(this.#base);
    if (this.#base + size > target) this.#link(target, this.#base + size - target);
    this.#base = target;
    return true;
  }

  #fromFreeLists(size: number): number | null {
    for (let cls = classOf(size); cls < this.#bins.length; cls++) {
      const bin = this.#bins[cls];
      if (!bin) continue;
      for (const start of bin) {
        const free = this.#freeAt.get(start)!;
        if (free < size) continue;
        this.#unlink(start);
        if (free > size) this.#link(start + size, free - size);
        return start;
      }
    }
    return null;
  }

  #fromTop(size: number): number | null {
    const start = this.#top;
    if (!this.#reach(start + size)) return null;
    this.#top = start + size;
    return start;
  }

  #link(start: number, size: number): void {
    this.#freeAt.set(start, size);
    this.#freeEnding.set(start + size, start);
    const cls = classOf(size);
    (this.#bins[cls] ??= new Set()).add(start);
  }

  #unlink(start: number): void {
    const size = this.#freeAt.get(start)!;
    this.#freeAt.delete(start);
    this.#freeEnding.delete(start + size);
    this.#bins[classOf(size)]!.delete(start);
  }
}
