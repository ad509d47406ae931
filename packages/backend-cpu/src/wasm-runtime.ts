// The wasm SIMD kernels of one backend instance: the module is generated and compiled once per
// process (none where WebAssembly or its 128-bit SIMD is missing; sgemm on relaxed SIMD's FMA
// where the engine has it), and every backend instantiates it over its own WebAssembly.Memory,
// which grows when a kernel needs more staging room.

import { encodeModule } from './wasm-emitter.js';
import { gemmBlockFunction } from './wasm-gemm-kernel.js';
import { cellFunctions } from './wasm-cells-kernel.js';
import { packLinesFunction, packRowsFunction } from './wasm-pack-kernel.js';

/** The module's exports; pointers and pitches are byte offsets into the instance's memory. */
export interface WasmKernels {
  gemmBlock(a: number, b: number, c: number, mc: number, nc: number, kc: number, ldc: number, add: number): void;
  packRows4(src: number, pitch: number, kc: number, strips: number, dst: number, stripPitch: number): void;
  packRows8(src: number, pitch: number, kc: number, strips: number, dst: number, stripPitch: number): void;
  packLines4(src: number, pitch: number, kc: number, strips: number, dst: number): void;
  packLines8(src: number, pitch: number, kc: number, strips: number, dst: number): void;
  lstmForward(gates: number, c: number, h: number, cNext: number, act: number, rows: number, width: number): void;
  lstmBackward(act: number, c: number, cNext: number, dh: number, dcNext: number, dGates: number, dc: number, rows: number, width: number): void;
  gruForward(gx: number, gh: number, h: number, hNext: number, act: number, rows: number, width: number): void;
  gruBackward(act: number, gh: number, h: number, dhNext: number, dgx: number, dgh: number, dh: number, rows: number, width: number): void;
}

const PAGE_BYTES = 65536;

/** The slice of the WebAssembly JS API used here (ES2022's lib does not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { readonly exports: object };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
// Per variant (with or without relaxed SIMD's FMA): the compiled module, or null when rejected.
const compiled = new Map<boolean, object | null>();

/** The compiled kernel module, or null when this engine cannot run it. */
function kernelModule(fusedMultiplyAdd: boolean): object | null {
  let module = compiled.get(fusedMultiplyAdd);
  if (module !== undefined) return module;
  module = null;
  try {
    const bytes = encodeModule([
      gemmBlockFunction(fusedMultiplyAdd),
      packRowsFunction(4),
      packRowsFunction(8),
      packLinesFunction(4),
      packLinesFunction(8),
      ...cellFunctions(),
    ]);
    // An engine without SIMD (or relaxed SIMD) rejects the opcodes here, not at run time.
    if (wasm?.validate(bytes)) module = new wasm.Module(bytes);
  } catch {
    // A host that forbids compiling (a Content-Security-Policy without 'wasm-unsafe-eval').
  }
  compiled.set(fusedMultiplyAdd, module);
  return module;
}

/** Whether the wasm SIMD kernels can run in this process. */
export function wasmSimdAvailable(): boolean {
  return kernelModule(false) !== null;
}

export interface WasmRuntimeOptions {
  /** Use relaxed SIMD's fused multiply-add in sgemm (default: where the engine accepts it). */
  readonly fusedMultiplyAdd?: boolean;
}

export class WasmRuntime {
  readonly kernels: WasmKernels;
  /** Whether sgemm runs on relaxed SIMD's fused multiply-add. */
  readonly fusedMultiplyAdd: boolean;
  readonly #memory: WasmMemory;
  #heap: Float32Array;

  private constructor(api: WasmApi, module: object, fusedMultiplyAdd: boolean) {
    this.fusedMultiplyAdd = fusedMultiplyAdd;
    this.#memory = new api.Memory({ initial: 16 });
    const instance = new api.Instance(module, { env: { memory: this.#memory } });
    this.kernels = instance.exports as unknown as WasmKernels;
    this.#heap = new Float32Array(this.#memory.buffer);
  }

  /** A runtime over fresh memory, or null where the kernels (or the FMA asked for) cannot run. */
  static create(options: WasmRuntimeOptions = {}): WasmRuntime | null {
    const fusedMultiplyAdd = options.fusedMultiplyAdd ?? kernelModule(true) !== null;
    const module = kernelModule(fusedMultiplyAdd);
    if (!wasm || !module) return null;
    try {
      return new WasmRuntime(wasm, module, fusedMultiplyAdd);
    } catch {
      return null;
    }
  }

  /**
   * The memory as float32 with room for at least `floats` elements, or null when it cannot grow
   * that far (the caller then takes its TypeScript path). Growing detaches earlier views, so
   * callers take the view once per kernel, after reserving.
   */
  heap(floats: number): Float32Array | null {
    if (floats > this.#heap.length) {
      const pages = this.#memory.buffer.byteLength / PAGE_BYTES;
      const needed = Math.ceil((floats * 4) / PAGE_BYTES) - pages;
      try {
        // At least double, so a slowly rising demand does not grow on every call.
        this.#memory.grow(Math.max(needed, pages));
      } catch {
        try {
          this.#memory.grow(needed);
        } catch {
          return null;
        }
      }
      this.#heap = new Float32Array(this.#memory.buffer);
    }
    return this.#heap;
  }
}
