// Packed B operands (a weight's GEMM panels) kept in blocks of a wasm runtime's memory between
// matmuls, so the steps of a scan, and calls after it, skip re-packing the weight. An entry is
// valid for one version of its buffer: any write to the buffer (a kernel output, `write`, taking
// `data`, free) changes the version (memory.ts), and the next use re-packs. An operand is cached
// the second time it is seen unchanged, so one-off operands (activations) never cost a copy.

import type { CpuBuffer, CpuMemory } from './memory.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Budget of the packed blocks: 32 Mi floats (128 MiB), e.g. three LSTM layers at H 1024 with room to spare. */
export const PACKED_BUDGET_FLOATS = 1 << 25;
// Candidates remembered for their second sighting; more are forgotten all at once.
const MAX_CANDIDATES = 256;

interface Entry {
  readonly buffer: CpuBuffer;
  readonly key: string;
  readonly floats: number;
  /** Float index of the block in the runtime's memory. */
  readonly at: number;
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
  #floats = 0;
  #tick = 0;
  /** Packs done into blocks and uses of a packed entry, for tests and profiles. */
  readonly stats = { packs: 0, hits: 0 };

  constructor(memory: CpuMemory, budgetFloats = PACKED_BUDGET_FLOATS) {
    this.#memory = memory;
    this.#budget = budgetFloats;
  }

  /**
   * The float index (in `runtime`'s heap) of `buffer`'s operand packed as `key` describes
   * (`floats` floats, filled by `pack`), or null when it is not cached: the caller packs it
   * itself. Take the runtime's view again after a call: the memory may have grown.
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
    if (entry.version !== version) {
      pack(runtime.view, entry.at);
      entry.version = version;
      this.stats.packs++;
    } else {
      this.stats.hits++;
    }
    return entry.at;
  }

  #reset(runtime: WasmRuntime): void {
    this.#runtime = runtime;
    this.#entries = [];
    this.#candidates.clear();
    this.#floats = 0;
  }

  /**
   * A block of `floats` floats (its float index), after dropping the entries of freed buffers
   * and, least recently used first, those that leave no room in the budget.
   */
  #allocate(runtime: WasmRuntime, floats: number): number | null {
    if (floats > this.#budget) return null;
    const kept = this.#entries.filter((e) => this.#memory.owns(e.buffer) || this.#drop(runtime, e));
    kept.sort((x, y) => x.used - y.used);
    while (kept.length > 0 && this.#floats + floats > this.#budget) this.#drop(runtime, kept.shift()!);
    this.#entries = kept;
    const start = runtime.allocate(floats * 4);
    if (start === null) return null;
    this.#floats += floats;
    return start / 4;
  }

  /** Returns an entry's block; false, for `filter`. */
  #drop(runtime: WasmRuntime, entry: Entry): false {
    runtime.release(entry.at * 4);
    this.#floats -= entry.floats;
    return false;
  }
}
