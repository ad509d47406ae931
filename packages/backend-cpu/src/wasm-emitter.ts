// A minimal WebAssembly binary emitter: LEB128, the module sections, and a `Code` builder for the
// few i32 / f32 / v128 (128-bit SIMD) instructions the kernels use. The kernels' module is built
// from TypeScript at runtime, so no wasm binary is shipped, downloaded or produced by a build step.

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof V128;

function unsignedLeb(value: number, out: number[]): void {
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
}

function signedLeb(value: number, out: number[]): void {
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

function encodeName(text: string, out: number[]): void {
  const bytes = new TextEncoder().encode(text);
  unsignedLeb(bytes.length, out);
  out.push(...bytes);
}

/** Little-endian bytes of a float32. */
function f32Bytes(value: number): number[] {
  return [...new Uint8Array(new Float32Array([value]).buffer)];
}

/**
 * One function body under construction: parameters, extra locals, and instructions appended in
 * stack-machine order. Methods return `this` so an expression reads left to right.
 */
export class Code {
  readonly bytes: number[] = [];
  /** Calls by function name: the byte index of each 5-byte index slot, patched by encodeModule. */
  readonly calls: { readonly at: number; readonly name: string }[] = [];
  readonly #locals: ValueType[] = [];
  readonly #paramCount: number;

  constructor(paramCount: number) {
    this.#paramCount = paramCount;
  }

  /** A new local of `type`; its index follows the parameters. */
  local(type: ValueType): number {
    this.#locals.push(type);
    return this.#paramCount + this.#locals.length - 1;
  }

  /** The locals declaration and the instructions, ending with `end`. */
  encode(): number[] {
    const groups: [number, ValueType][] = [];
    for (const type of this.#locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const body: number[] = [];
    unsignedLeb(groups.length, body);
    for (const [count, type] of groups) {
      unsignedLeb(count, body);
      body.push(type);
    }
    body.push(...this.bytes, 0x0b);
    return body;
  }

  #op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  #simd(opcode: number, ...immediates: number[]): this {
    this.bytes.push(0xfd);
    unsignedLeb(opcode, this.bytes);
    this.bytes.push(...immediates);
    return this;
  }

  #memory(opcode: number, alignLog2: number, offset: number, simd: boolean): this {
    if (simd) this.#simd(opcode);
    else this.bytes.push(opcode);
    unsignedLeb(alignLog2, this.bytes);
    unsignedLeb(offset, this.bytes);
    return this;
  }

  // ── variables and constants ──────────────────────────────────────────────────────────
  get(index: number): this {
    this.bytes.push(0x20);
    unsignedLeb(index, this.bytes);
    return this;
  }
  set(index: number): this {
    this.bytes.push(0x21);
    unsignedLeb(index, this.bytes);
    return this;
  }
  tee(index: number): this {
    this.bytes.push(0x22);
    unsignedLeb(index, this.bytes);
    return this;
  }
  i32(value: number): this {
    this.bytes.push(0x41);
    signedLeb(value, this.bytes);
    return this;
  }
  /** v128.const with the same float32 in every lane. */
  f32x4Const(value: number): this {
    const lane = f32Bytes(value);
    return this.#simd(0x0c, ...lane, ...lane, ...lane, ...lane);
  }
  /** v128.const with the same 32-bit integer in every lane. */
  i32x4Const(value: number): this {
    const lane = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
    return this.#simd(0x0c, ...lane, ...lane, ...lane, ...lane);
  }

  // ── control ──────────────────────────────────────────────────────────────────────────
  /** `block … end`; `br 0` inside jumps past the end. */
  block(body: () => void): this {
    this.bytes.push(0x02, 0x40);
    body();
    return this.#op(0x0b);
  }
  /** `loop … end`; `br 0` inside jumps back to the start. */
  loop(body: () => void): this {
    this.bytes.push(0x03, 0x40);
    body();
    return this.#op(0x0b);
  }
  /** `if … else … end` on the i32 on the stack. */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.bytes.push(0x04, 0x40);
    then();
    if (otherwise) {
      this.bytes.push(0x05);
      otherwise();
    }
    return this.#op(0x0b);
  }
  br(depth: number): this {
    this.bytes.push(0x0c);
    unsignedLeb(depth, this.bytes);
    return this;
  }
  brIf(depth: number): this {
    this.bytes.push(0x0d);
    unsignedLeb(depth, this.bytes);
    return this;
  }
  /**
   * A do-while loop: `body` runs, then `condition` pushes an i32 and the loop repeats while it
   * is non-zero. Callers guarantee at least one iteration, which saves the entry test.
   */
  doWhile(body: () => void, condition: () => void): this {
    return this.loop(() => {
      body();
      condition();
      this.brIf(0);
    });
  }

  /**
   * `call` of the module's function `name` (its arguments on the stack). The index is written
   * as a 5-byte LEB128 once encodeModule knows it, so call sites need no function order here.
   */
  call(name: string): this {
    this.bytes.push(0x10);
    this.calls.push({ at: this.bytes.length, name });
    this.bytes.push(0x80, 0x80, 0x80, 0x80, 0x00);
    return this;
  }

  // ── i32 ──────────────────────────────────────────────────────────────────────────────
  i32Add(): this {
    return this.#op(0x6a);
  }
  i32Sub(): this {
    return this.#op(0x6b);
  }
  i32Mul(): this {
    return this.#op(0x6c);
  }
  i32LtU(): this {
    return this.#op(0x49);
  }
  i32Eqz(): this {
    return this.#op(0x45);
  }
  /** `select`: of stack [x, y, condition], x when condition ≠ 0, else y. */
  select(): this {
    return this.#op(0x1b);
  }
  i32Ne(): this {
    return this.#op(0x47);
  }
  i32And(): this {
    return this.#op(0x71);
  }

  // ── f32 (scalar) ─────────────────────────────────────────────────────────────────────
  f32Add(): this {
    return this.#op(0x92);
  }
  f32Sub(): this {
    return this.#op(0x93);
  }
  f32Mul(): this {
    return this.#op(0x94);
  }
  f32Div(): this {
    return this.#op(0x95);
  }

  /** local[index] += value (a constant). */
  addTo(index: number, value: number): this {
    return this.get(index).i32(value).i32Add().set(index);
  }
  /** local[index] += local[other]. */
  addLocal(index: number, other: number): this {
    return this.get(index).get(other).i32Add().set(index);
  }

  // ── memory (offsets in bytes, folded into the instruction) ───────────────────────────
  f32Load(offset = 0): this {
    return this.#memory(0x2a, 2, offset, false);
  }
  f32Store(offset = 0): this {
    return this.#memory(0x38, 2, offset, false);
  }
  v128Load(offset = 0): this {
    return this.#memory(0x00, 4, offset, true);
  }
  v128Store(offset = 0): this {
    return this.#memory(0x0b, 4, offset, true);
  }
  /** One float32 from memory into all four lanes. */
  load32Splat(offset = 0): this {
    return this.#memory(0x09, 2, offset, true);
  }

  // ── v128 ─────────────────────────────────────────────────────────────────────────────
  /** Lanes picked by byte index from the two vectors on the stack (0–15 first, 16–31 second). */
  shuffle(lanes: readonly number[]): this {
    return this.#simd(0x0d, ...lanes);
  }
  /** (v1 & mask) | (v2 & ~mask) for stack [v1, v2, mask]. */
  bitselect(): this {
    return this.#simd(0x52);
  }
  f32x4Lt(): this {
    return this.#simd(0x43);
  }
  f32x4Floor(): this {
    return this.#simd(0x68);
  }
  f32x4Abs(): this {
    return this.#simd(0xe0);
  }
  f32x4Neg(): this {
    return this.#simd(0xe1);
  }
  f32x4Add(): this {
    return this.#simd(0xe4);
  }
  f32x4Sub(): this {
    return this.#simd(0xe5);
  }
  f32x4Mul(): this {
    return this.#simd(0xe6);
  }
  f32x4Div(): this {
    return this.#simd(0xe7);
  }
  /** Pseudo-min b < a ? b : a of stack [a, b]: one instruction on x64 and Arm. */
  f32x4Pmin(): this {
    return this.#simd(0xea);
  }
  /** Pseudo-max a < b ? b : a of stack [a, b]. */
  f32x4Pmax(): this {
    return this.#simd(0xeb);
  }
  /** a·b + c for stack [a, b, c], fused or not as the hardware prefers (relaxed SIMD). */
  f32x4RelaxedMadd(): this {
    return this.#simd(0x105);
  }
  /** Shifts each lane left by the i32 on top of the stack. */
  i32x4Shl(): this {
    return this.#simd(0xab);
  }
}

export interface WasmFunction {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  readonly code: Code;
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  unsignedLeb(content.length, out);
  out.push(...content);
}

/** The imported memory's kind: a shared memory (for worker threads) must declare a maximum. */
export interface MemoryImport {
  readonly shared: boolean;
  /** Most pages it may grow to; required when shared. */
  readonly maximum?: number;
}

/**
 * A module that imports its memory as `env.memory` (so each backend brings its own, growable
 * from JavaScript) and exports `functions` by name. A shared import only links to a memory made
 * with `shared: true` and the same maximum or less, and an unshared one only to an unshared memory.
 */
export function encodeModule(functions: readonly WasmFunction[], memory: MemoryImport = { shared: false }): Uint8Array {
  const signatures: string[] = [];
  const typeIndex = functions.map((fn) => {
    const key = `${fn.params.join(',')}:${fn.results.join(',')}`;
    if (!signatures.includes(key)) signatures.push(key);
    return signatures.indexOf(key);
  });

  const types: number[] = [];
  unsignedLeb(signatures.length, types);
  for (const key of signatures) {
    const [params, results] = key.split(':').map((list) => (list ? list.split(',').map(Number) : []));
    types.push(0x60);
    unsignedLeb(params!.length, types);
    types.push(...params!);
    unsignedLeb(results!.length, types);
    types.push(...results!);
  }

  const imports: number[] = [1];
  encodeName('env', imports);
  encodeName('memory', imports);
  imports.push(0x02); // a memory
  if (memory.shared) {
    if (memory.maximum === undefined) throw new Error('encodeModule: a shared memory needs a maximum');
    // Limits flag 0x03: a maximum follows, and the memory is shared (the threads proposal).
    imports.push(0x03, 0x01);
    unsignedLeb(memory.maximum, imports);
  } else {
    imports.push(0x00, 0x01); // limits without a maximum, at least one page
  }

  const declarations: number[] = [];
  unsignedLeb(functions.length, declarations);
  for (const index of typeIndex) unsignedLeb(index, declarations);

  const exports: number[] = [];
  unsignedLeb(functions.length, exports);
  functions.forEach((fn, index) => {
    encodeName(fn.name, exports);
    exports.push(0x00);
    unsignedLeb(index, exports);
  });

  const bodies: number[] = [];
  unsignedLeb(functions.length, bodies);
  const indices = new Map(functions.map((fn, index) => [fn.name, index]));
  for (const fn of functions) {
    for (const { at, name } of fn.code.calls) {
      const index = indices.get(name);
      if (index === undefined) throw new Error(`encodeModule: ${fn.name} calls ${name}, which the module lacks`);
      // Padded LEB128: four continuation bytes of 7 bits, then the top 4 bits.
      for (let k = 0; k < 5; k++) fn.code.bytes[at + k] = ((index >>> (7 * k)) & 0x7f) | (k < 4 ? 0x80 : 0);
    }
    const body = fn.code.encode();
    unsignedLeb(body.length, bodies);
    bodies.push(...body);
  }

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(1, types, out);
  section(2, imports, out);
  section(3, declarations, out);
  section(7, exports, out);
  section(10, bodies, out);
  return new Uint8Array(out);
}
