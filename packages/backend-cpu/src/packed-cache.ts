// Packed B operands (a weight's GEMM panels) kept in a wasm runtime's resident arena between
// matmuls, so the steps of a scan, and calls after it, skip re-packing the weight. An entry is
// valid for one version of its buffer: any write to the buffer (a kernel output, `write`, taking
// `data`, free) changes the version (memory.ts), and the next use re-packs. An operand is cached
// the second time it is seen unchanged, so one-off operands (activations) never cost a copy.

import type { CpuBuffer, CpuMemory } from './memory.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Budget of the arena: 32 Mi floats (128 MiB), e.g. three LSTM layers at H 1024 with room to spare. */
export const PACKED_BUDGET_FLOATS = 1 << 25;
// Candidates remembered for their second sighting; more are forgotten all at once.
const MAX_CANDIDATES = 256;

interface Entry {
  readonly buffer: CpuBuffer;
  readonly key: string;
  readonly floats: number;
  /** Float offset inside the arena. */
  at: number;
  /** The buffer's version the packed floats were made from. */
  version: number;
  /** Tick of the last use, for least-recently-used eviction. */
  used: number;
}

/** Fills `floats` floats of the packed form at float index `at` of `heap`. */
export type PackInto = (heap: Float32Array, at: number) => void;

export class PackedCache {
  readonly #memory: CpuMemory;
  readonly #budget: number;
  #runtime: WasmRuntime | null = null;
  #entries: Entry[] = [];
  // Per buffer, the layouts seen once and at which version.
  #candidates = new Map<CpuBuffer, Map<string, number>>();
  #top = 0;
  #tick = 0;
  /** Packs done into the arena and uses of a packed entry, for tests and profiles. */
  readonly stats = { packs: 0, hits: 0 };

  constructor(memory: CpuMemory, budgetFloats = PACKED_BUDGET_FLOATS) {
    this.#memory = memory;
    this.#budget = budgetFloats;
  }

  /**
   * The float index (in `runtime`'s heap) of `buffer`'s operand packed as `key` describes
   * (`floats` floats, filled by `pack`), or null when it is not cached: the caller packs it
   * itself. Take the runtime's heap again after a call: the arena may have grown.
   */
  find(runtime: WasmRuntime, buffer: CpuBuffer, key: string, floats: number, pack: PackInto): number | null {
    if (runtime !== this.#runtime) this.#reset(runtime);
    const version = buffer.version;
    let entry = this.#entries.find((e) => e.buffer === buffer && e.key === key);
    if (!entry) {
      let seen = this.#candidates.get(buffer);
      if (seen?.get(key) !== version) {
        if (!seen) {
          if (this.#candidates.size >= MAX_CANDIDATES) this.#candidates.clear();
          this.#candidates.set(buffer, (seen = new Map()));
        }
        seen.set(key, version);
        return null;
      }
      seen.delete(key);
      const at = this.#allocate(runtime, floats);
      if (at === null) return null;
      entry = { buffer, key, floats, at, version: version - 1, used: 0 };
      this.#entries.push(entry);
    }
    entry.used = ++this.#tick;
    const base = runtime.residentAt;
    if (entry.version !== version) {
      pack(runtime.heap(0)!, base + entry.at);
      entry.version = version;
      this.stats.packs++;
    } else {
      this.stats.hits++;
    }
    return base + entry.at;
  }

  #reset(runtime: WasmRuntime): void {
    this.#runtime = runtime;
    this.#entries = [];
    this.#candidates.clear();
    this.#top = 0;
  }

  /** Room for `floats` in the arena, evicting freed buffers' and least recently used entries. */
  #allocate(runtime: WasmRuntime, floats: number): number | null {
    if (floats > this.#budget) return null;
    if (this.#top + floats > this.#budget) this.#compact(runtime, floats);
    const at = this.#top;
    if (runtime.resident(at + floats) === null) return null;
    this.#top += floats;
    return at;
  }

  /** Keeps the most recently used live entries that leave room for `floats`, packed together. */
  #compact(runtime: WasmRuntime, floats: number): void {
    const live = this.#entries.filter((e) => this.#memory.owns(e.buffer)).sort((x, y) => y.used - x.used);
    const kept: Entry[] = [];
    let total = floats;
    for (const entry of live) {
      if (total + entry.floats > this.#budget) continue;
      kept.push(entry);
      total += entry.floats;
    }
    kept.sort((x, y) => x.at - y.at);
    const heap = runtime.heap(0)!;
    const base = runtime.residentAt;
    let top = 0;
    for (const entry of kept) {
      if (entry.at !== top) heap.copyWithin(base + top, base + entry.at, base + entry.at + entry.floats);
      entry.at = top;
      top += entry.floats;
    }
    this.#entries = kept;
    this.#top = top;
  }
}
