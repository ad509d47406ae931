// The wasm SIMD kernels of one backend instance: the module is generated and compiled once per
// process (none where WebAssembly or its 128-bit SIMD is missing; sgemm on relaxed SIMD's FMA
// where the engine has it), and every backend instantiates it over its own WebAssembly.Memory,
// which grows when a kernel needs more staging room. A runtime for worker threads uses a shared
// memory (and the module variant that imports one), which the workers instantiate the module over.
// Memory layout: scratch from address 0 (kernels' staging room), then blocks (wasm-allocator.ts)
// for data kept between kernels: resident buffers (memory.ts) and packed weights (packed-cache.ts).

import { encodeModule } from './wasm-emitter.js';
import { gemmBlockFunction } from './wasm-gemm-kernel.js';
import { gemvBlockFunction } from './wasm-gemv-kernel.js';
import { cellFunctions } from './wasm-cells-kernel.js';
import { unaryFunctions } from './wasm-unary-kernel.js';
import { packLinesFunction, packRowsFunction } from './wasm-pack-kernel.js';
import { sequenceFunctions } from './wasm-sequence-kernel.js';
import { binaryFunctions } from './wasm-binary-kernel.js';
import { BlockAllocator } from './wasm-allocator.js';
import { zeroGrainsFunction } from './wasm-zero-kernel.js';
import { int8DotsFunction } from './wasm-int8-kernel.js';
import { float16DotsFunction } from './wasm-float16-kernel.js';

/** The module's exports; pointers and pitches are byte offsets into the instance's memory. */
export interface WasmKernels {
  gemmBlock(a: number, b: number, c: number, mc: number, nc: number, kc: number, ldc: number, add: number): void;
  /** Row 0 of gemmBlock with A as kc plain floats (wasm-gemv-kernel.ts). */
  gemvBlock(a: number, b: number, c: number, nc: number, kc: number, add: number): void;
  packRows4(src: number, pitch: number, kc: number, strips: number, dst: number, stripPitch: number): void;
  packRows8(src: number, pitch: number, kc: number, strips: number, dst: number, stripPitch: number): void;
  packLines4(src: number, pitch: number, kc: number, strips: number, dst: number): void;
  packLines8(src: number, pitch: number, kc: number, strips: number, dst: number): void;
  lstmForward(gates: number, c: number, h: number, cNext: number, act: number, rows: number, width: number): void;
  lstmBackward(
    act: number,
    c: number,
    cNext: number,
    dh: number,
    dcNext: number,
    dGates: number,
    dc: number,
    rows: number,
    width: number,
  ): void;
  gruForward(gx: number, gh: number, h: number, hNext: number, act: number, rows: number, width: number): void;
  gruBackward(act: number, gh: number, h: number, dhNext: number, dgx: number, dgh: number, dh: number, rows: number, width: number): void;
  /** dst[i] = op(src[i]) over `vectors` groups of four floats (wasm-unary-kernel.ts). */
  sigmoidMap(src: number, dst: number, vectors: number): void;
  tanhMap(src: number, dst: number, vectors: number): void;
  /** Zeroes `grains` (≥ 1) × 32 bytes from `dst` (wasm-zero-kernel.ts). */
  zeroGrains(dst: number, grains: number): void;
  /** out = a + b over `rows` rows of `cols` floats, rows `aRow`/`bRow`/`outRow` bytes apart (wasm-binary-kernel.ts). */
  addRows(a: number, b: number, out: number, rows: number, cols: number, aRow: number, bRow: number, outRow: number, mode: number): void;
  /** dots[n] = Σ_k q[n, k]·x[k]: int8 rows `pitch` bytes apart, x int16 (wasm-int8-kernel.ts). */
  int8Dots(x: number, w: number, pitch: number, rows: number, groups: number, out: number): void;
  /** The same for float16 rows and float32 x (wasm-float16-kernel.ts). */
  float16Dots(x: number, w: number, pitch: number, rows: number, groups: number, out: number): void;
}

const PAGE_BYTES = 65536;
// A shared memory needs a maximum; engines reserve address space for it, not memory. 4 GiB is
// wasm32's whole range (what an unshared memory may grow to); 1 GiB where that cannot be reserved.
const SHARED_MAXIMUM_PAGES = [65536, 16384];

/** The slice of the WebAssembly JS API used here (ES2022's lib does not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
// Per variant (with or without relaxed SIMD's FMA, shared memory or not): the compiled module,
// or null when rejected.
const compiled = new Map<string, object | null>();

/** The compiled kernel module, or null when this engine cannot run it. */
function kernelModule(fusedMultiplyAdd: boolean, shared = false): object | null {
  const key = `${fusedMultiplyAdd}/${shared}`;
  let module = compiled.get(key);
  if (module !== undefined) return module;
  module = null;
  try {
    const bytes = encodeModule(
      [
        gemmBlockFunction(fusedMultiplyAdd),
        gemvBlockFunction(fusedMultiplyAdd),
        packRowsFunction(4),
        packRowsFunction(8),
        packLinesFunction(4),
        packLinesFunction(8),
        ...cellFunctions(),
        ...unaryFunctions(),
        ...sequenceFunctions(),
        ...binaryFunctions(),
        zeroGrainsFunction(),
        int8DotsFunction(),
        float16DotsFunction(),
      ],
      shared ? { shared: true, maximum: SHARED_MAXIMUM_PAGES[0] } : { shared: false },
    );
    // An engine without SIMD (or relaxed SIMD) rejects the opcodes here, not at run time.
    if (wasm?.validate(bytes)) module = new wasm.Module(bytes);
  } catch {
    // A host that forbids compiling (a Content-Security-Policy without 'wasm-unsafe-eval').
  }
  compiled.set(key, module);
  return module;
}

/** Whether the wasm SIMD kernels can run in this process. */
export function wasmSimdAvailable(): boolean {
  return kernelModule(false) !== null;
}

/** Whether the engine accepts relaxed SIMD now (runtimes made from here on use its FMA). */
export function relaxedSimdAvailable(): boolean {
  return kernelModule(true) !== null;
}

/** Forgets modules the engine rejected, so a flag turned on since then is seen (relaxed-simd.ts). */
export function forgetRejectedModules(): void {
  for (const [key, module] of compiled) if (module === null) compiled.delete(key);
}

export interface WasmRuntimeOptions {
  /** Use relaxed SIMD's fused multiply-add in sgemm (default: where the engine accepts it). */
  readonly fusedMultiplyAdd?: boolean;
  /**
   * Put the kernels on a shared memory that worker threads can instantiate them over (default
   * false). Where the engine cannot make one (no SharedArrayBuffer, a page that is not
   * cross-origin isolated) `create` returns an unshared runtime instead; check `shared`.
   */
  readonly shared?: boolean;
}

export class WasmRuntime {
  readonly kernels: WasmKernels;
  /** Whether sgemm runs on relaxed SIMD's fused multiply-add. */
  readonly fusedMultiplyAdd: boolean;
  /** The compiled module the instance came from, for workers to instantiate over `memory`. */
  readonly module: object;
  readonly memory: WasmMemory;
  /** Whether `memory` is a shared memory (its buffer a SharedArrayBuffer). */
  readonly shared: boolean;
  /** Bytes kernels copied between host arrays and wasm memory (staging), for tests and profiles. */
  readonly stats = { stagedBytes: 0 };
  #heap: Float32Array;
  // Blocks above the scratch room (memory.ts's resident buffers, packed weights); made on first use.
  #blocks: BlockAllocator | null = null;
  // Scratch that did not fit below the blocks: a block of `floats` at float index `at`.
  #overflow: { at: number; floats: number } | null = null;

  private constructor(api: WasmApi, module: object, fusedMultiplyAdd: boolean, memory: WasmMemory, shared: boolean) {
    this.fusedMultiplyAdd = fusedMultiplyAdd;
    this.module = module;
    this.memory = memory;
    this.shared = shared;
    const instance = new api.Instance(module, { env: { memory } });
    this.kernels = instance.exports as unknown as WasmKernels;
    this.#heap = new Float32Array(memory.buffer);
  }

  /** A runtime over fresh memory, or null where the kernels (or the FMA asked for) cannot run. */
  static create(options: WasmRuntimeOptions = {}): WasmRuntime | null {
    const fusedMultiplyAdd = options.fusedMultiplyAdd ?? kernelModule(true) !== null;
    if (!wasm) return null;
    if (options.shared) {
      const module = kernelModule(fusedMultiplyAdd, true);
      for (const maximum of SHARED_MAXIMUM_PAGES) {
        if (!module) break;
        try {
          const memory = new wasm.Memory({ initial: 16, maximum, shared: true });
          return new WasmRuntime(wasm, module, fusedMultiplyAdd, memory, true);
        } catch {
          // No shared memory here, or not this large: try smaller, then go unshared.
        }
      }
    }
    const module = kernelModule(fusedMultiplyAdd);
    if (!module) return null;
    try {
      return new WasmRuntime(wasm, module, fusedMultiplyAdd, new wasm.Memory({ initial: 16 }), false);
    } catch {
      return null;
    }
  }

  /** The whole memory as float32, current as of the last growth (take it again after one). */
  get view(): Float32Array {
    return this.#heap;
  }

  /**
   * The memory as float32 with room for at least `floats` elements of scratch from index 0, or
   * null when that room cannot be had (memory cannot grow, or live blocks lie there): the caller
   * then takes its TypeScript path (`scratch` finds room elsewhere instead). Growing detaches an
   * unshared memory's earlier views, so callers take the view once per kernel, after reserving.
   */
  heap(floats: number): Float32Array | null {
    const blocks = this.#blocks;
    if (blocks && floats * 4 > blocks.base) {
      // Twice the room when it can be had, so a slowly rising demand rarely comes back here.
      if (!blocks.raiseBase(Math.max(floats * 4, 2 * blocks.base)) && !blocks.raiseBase(floats * 4)) return null;
    }
    return this.#reserve(floats) ? this.#heap : null;
  }

  /**
   * The float index of `floats` floats of scratch: 0 (as `heap`) when the room below the blocks
   * suffices or can grow, else a block kept for such requests; null when memory cannot grow.
   * Take `view` afterwards.
   */
  scratch(floats: number): number | null {
    if (this.heap(floats)) return 0;
    if (this.#overflow && this.#overflow.floats >= floats) return this.#overflow.at;
    if (this.#overflow) this.release(this.#overflow.at * 4);
    this.#overflow = null;
    const start = this.allocate(floats * 4);
    if (start === null) return null;
    this.#overflow = { at: start / 4, floats };
    return this.#overflow.at;
  }

  /**
   * A block of at least `bytes` bytes above the scratch room (GRAIN-aligned, kept until
   * `release`): its byte offset, or null when memory cannot grow that far. Take `view` again
   * afterwards; a shared memory's earlier views stay valid, an unshared one's detach.
   */
  allocate(bytes: number): number | null {
    this.#blocks ??= new BlockAllocator(Math.max(this.memory.buffer.byteLength, MIN_SCRATCH_FLOATS * 4), (end) =>
      this.#reserve(Math.ceil(end / 4)),
    );
    return this.#blocks.allocate(bytes);
  }

  /** Returns a block from `allocate` (its byte offset). */
  release(offset: number): void {
    this.#blocks!.release(offset);
  }

  /** Bytes of the live block at byte offset `offset` (its request rounded up to GRAIN). */
  blockBytes(offset: number): number | undefined {
    return this.#blocks?.sizeOf(offset);
  }

  /** Bytes in live blocks. */
  get blockBytesInUse(): number {
    return this.#blocks?.usedBytes ?? 0;
  }

  /** Memory for at least `floats` floats in all; false when it cannot grow that far. */
  #reserve(floats: number): boolean {
    if (floats > this.#heap.length) {
      const pages = this.memory.buffer.byteLength / PAGE_BYTES;
      const needed = Math.ceil((floats * 4) / PAGE_BYTES) - pages;
      if (needed > 0) {
        try {
          // At least double, so a slowly rising demand does not grow on every call.
          this.memory.grow(Math.max(needed, pages));
        } catch {
          try {
            this.memory.grow(needed);
          } catch {
            return false;
          }
        }
      }
      // A shared memory's old buffer stays valid at its old length; an unshared one's detaches.
      this.#heap = new Float32Array(this.memory.buffer);
    }
    return true;
  }
}

// Blocks start above at least this much scratch (4 MiB): the scratch room of most kernels.
const MIN_SCRATCH_FLOATS = 1 << 20;
