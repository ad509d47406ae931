// The wasm instance of the int8 and float16 kernels (wasm-int8-kernel.ts, wasm-float16-kernel.ts),
// on its own memory: weight rows are copied in once per buffer version (the weights of an
// inference model never change, so each layer's rows stay resident); each call writes its
// activation rows there (int8: quantised to int16) and reads back the dots. Its own memory keeps
// it apart from the backend's buffers and staging. N rows, K inputs; pitch = bytes per padded row.

import { encodeModule } from './wasm-emitter.js';
import { int8DotsFunction } from './wasm-int8-kernel.js';
import { float16DotsFunction } from './wasm-float16-kernel.js';
import type { WasmApi, WasmMemory } from './wasm-runtime.js';

interface Int8Exports {
  int8Dots(x: number, w: number, pitch: number, rows: number, groups: number, out: number): void;
  float16Dots(x: number, w: number, pitch: number, rows: number, groups: number, out: number): void;
}

interface Resident {
  readonly at: number;
  readonly bytes: number;
  version: number;
}

const PAGE_BYTES = 65536;
/** Weights kept resident before the arena starts over (the next calls copy theirs in again). */
const ARENA_LIMIT_BYTES = 1 << 30;

const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

function int8Module(): object | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    const bytes = encodeModule([int8DotsFunction(), float16DotsFunction()]);
    if (wasm?.validate(bytes)) compiled = new wasm.Module(bytes);
  } catch {
    // No wasm SIMD, or compiling is forbidden here: the TypeScript loop runs instead.
  }
  return compiled;
}

export class Int8Runtime {
  readonly #memory: WasmMemory;
  readonly #kernel: Int8Exports;
  readonly #resident = new Map<object, Resident>();
  #top = 0;

  private constructor(api: WasmApi, module: object) {
    this.#memory = new api.Memory({ initial: 1 });
    this.#kernel = new api.Instance(module, { env: { memory: this.#memory } }).exports as unknown as Int8Exports;
  }

  /** A runtime, or null where wasm SIMD cannot run. */
  static create(): Int8Runtime | null {
    const module = int8Module();
    return wasm && module ? new Int8Runtime(wasm, module) : null;
  }

  #reserve(bytes: number): void {
    const have = this.#memory.buffer.byteLength;
    if (bytes > have) this.#memory.grow(Math.max(Math.ceil((bytes - have) / PAGE_BYTES), have / PAGE_BYTES));
  }

  /**
   * The byte address of `key`'s weight rows ([rows, ·] packed words in `packed`),
   * copied in with rows padded to `pitch` bytes unless this `version` is there already.
   */
  #weights(key: object, version: number, packed: Int32Array, rows: number, pitch: number, live: (key: object) => boolean): number {
    const bytes = rows * pitch;
    let slot = this.#resident.get(key);
    if (slot && slot.bytes !== bytes) slot = undefined;
    if (!slot) {
      for (const other of [...this.#resident.keys()]) if (!live(other)) this.#resident.delete(other);
      if (this.#top + bytes > ARENA_LIMIT_BYTES) {
        this.#resident.clear();
        this.#top = 0;
      }
      if (this.#resident.size === 0) this.#top = 0;
      slot = { at: this.#top, bytes, version: -1 };
      this.#top += bytes;
      this.#reserve(this.#top);
      this.#resident.set(key, slot);
    }
    if (slot.version !== version) {
      const target = new Uint8Array(this.#memory.buffer, slot.at, bytes);
      target.fill(0);
      const source = new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
      const rowBytes = source.length / rows;
      for (let n = 0; n < rows; n++) target.set(source.subarray(n * rowBytes, (n + 1) * rowBytes), n * pitch);
      slot.version = version;
    }
    return slot.at;
  }

  /**
   * out[m, n] (+)= Σ_k x[m, k]·q[n, k]·scales[n], x quantised per row to int16 (scale
   * max|x_m|/32767, round to nearest) for the integer dot products.
   */
  linear(
    key: object,
    version: number,
    live: (key: object) => boolean,
    x: Float32Array,
    xOffset: number,
    rowsX: number,
    inputs: number,
    packed: Int32Array,
    scales: Float32Array,
    scalesOffset: number,
    out: Float32Array,
    outOffset: number,
    rows: number,
    accumulate: boolean,
  ): void {
    const groups = Math.ceil(inputs / 16);
    const pitch = groups * 16;
    const weightsAt = this.#weights(key, version, packed, rows, pitch, live);
    const xAt = this.#top;
    const dotsAt = xAt + pitch * 2;
    this.#reserve(dotsAt + rows * 4);
    const buffer = this.#memory.buffer;
    const xq = new Int16Array(buffer, xAt, pitch);
    const dots = new Float32Array(buffer, dotsAt, rows);
    for (let m = 0; m < rowsX; m++) {
      const base = xOffset + m * inputs;
      let largest = 0;
      for (let k = 0; k < inputs; k++) largest = Math.max(largest, Math.abs(x[base + k]!));
      const target = outOffset + m * rows;
      if (largest === 0 || !Number.isFinite(largest)) {
        // A zero row adds nothing; a non-finite one cannot be quantised: its products are NaN.
        const fill = largest === 0 ? 0 : NaN;
        for (let n = 0; n < rows; n++) out[target + n] = accumulate ? out[target + n]! + fill : fill;
        continue;
      }
      const step = largest / 32767;
      for (let k = 0; k < inputs; k++) xq[k] = Math.round(x[base + k]! / step);
      xq.fill(0, inputs);
      this.#kernel.int8Dots(xAt, weightsAt, pitch, rows, groups, dotsAt);
      for (let n = 0; n < rows; n++) {
        const value = dots[n]! * (scales[scalesOffset + n]! * step);
        out[target + n] = accumulate ? out[target + n]! + value : value;
      }
    }
  }

  /** out[m, n] (+)= Σ_k x[m, k]·W[n, k] in float32, W float16 ([rows, ⌈K/2⌉] words in `packed`). */
  float16Linear(
    key: object,
    version: number,
    live: (key: object) => boolean,
    x: Float32Array,
    xOffset: number,
    rowsX: number,
    inputs: number,
    packed: Int32Array,
    out: Float32Array,
    outOffset: number,
    rows: number,
    accumulate: boolean,
  ): void {
    const groups = Math.ceil(inputs / 8);
    const pitch = groups * 16;
    const weightsAt = this.#weights(key, version, packed, rows, pitch, live);
    const xAt = this.#top;
    const dotsAt = xAt + groups * 32;
    this.#reserve(dotsAt + rows * 4);
    const buffer = this.#memory.buffer;
    const xs = new Float32Array(buffer, xAt, groups * 8);
    const dots = new Float32Array(buffer, dotsAt, rows);
    for (let m = 0; m < rowsX; m++) {
      xs.set(x.subarray(xOffset + m * inputs, xOffset + (m + 1) * inputs));
      xs.fill(0, inputs);
      this.#kernel.float16Dots(xAt, weightsAt, pitch, rows, groups, dotsAt);
      const target = outOffset + m * rows;
      if (accumulate) for (let n = 0; n < rows; n++) out[target + n] = out[target + n]! + dots[n]!;
      else out.set(dots, target);
    }
  }
}
