// The binary emitter on its own: LEB128 immediates at their byte boundaries, the section layout
// (a module that validates and runs), control flow built from do-while loops, and the shared
// memory import worker threads need.

import { describe, expect, it } from 'vitest';
import { Code, I32, encodeModule, type WasmFunction } from './wasm-emitter.js';

type Exports = Record<string, (...args: number[]) => number>;

// ES2022's lib does not declare the WebAssembly JS API; this is the slice used here.
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      validate(bytes: Uint8Array): boolean;
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: object };
      Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => object;
    };
  }
).WebAssembly;

function instantiate(functions: WasmFunction[]): Exports {
  const bytes = encodeModule(functions);
  expect(wasm.validate(bytes)).toBe(true);
  const memory = new wasm.Memory({ initial: 1 });
  return new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports as Exports;
}

describe('wasm emitter', () => {
  it('encodes i32 constants of every LEB128 length and sign', () => {
    const constants = [0, 1, -1, 63, 64, -64, -65, 127, 128, 8191, 8192, -8193, 2 ** 20, -(2 ** 27), 2 ** 31 - 1, -(2 ** 31)];
    const functions = constants.map((value, k): WasmFunction => {
      const code = new Code(1);
      code.get(0).i32(value).i32Add();
      return { name: `plus${k}`, params: [I32], results: [I32], code };
    });
    const exports = instantiate(functions);
    constants.forEach((value, k) => expect(exports[`plus${k}`]!(5)).toBe((5 + value) | 0));
  });

  it('declares many locals and loops with do-while and block exits', () => {
    // sum(n) = Σ_{i<n} i, with 200 unused locals so local indices need two LEB128 bytes.
    const code = new Code(1);
    for (let l = 0; l < 200; l++) code.local(I32);
    const [i, sum] = [code.local(I32), code.local(I32)];
    code.block(() => {
      code.get(0).i32Eqz().brIf(0);
      code.doWhile(
        () => code.addLocal(sum, i).addTo(i, 1),
        () => code.get(i).get(0).i32LtU(),
      );
    });
    code.get(sum);
    const exports = instantiate([{ name: 'sum', params: [I32], results: [I32], code }]);
    expect([0, 1, 2, 10, 1000].map((n) => exports.sum!(n))).toEqual([0, 0, 1, 45, 499500]);
  });

  it('imports a shared memory with a maximum, which links only to a shared memory', () => {
    const code = new Code(0);
    code.i32(7);
    const functions: WasmFunction[] = [{ name: 'seven', params: [], results: [I32], code }];
    const bytes = encodeModule(functions, { shared: true, maximum: 256 });
    // The import's limits: flag 0x03 (maximum present, shared), minimum 1, maximum 256 in LEB128.
    const at = bytes.indexOf(0x02, bytes.indexOf(0x02) + 1);
    expect(Array.from(bytes.subarray(at, at + 5))).toEqual([0x02, 0x03, 0x01, 0x80, 0x02]);
    expect(wasm.validate(bytes)).toBe(true);
    const module = new wasm.Module(bytes);
    const memory = new wasm.Memory({ initial: 1, maximum: 256, shared: true });
    const exports = new wasm.Instance(module, { env: { memory } }).exports as Exports;
    expect(exports.seven!()).toBe(7);
    expect(() => new wasm.Instance(module, { env: { memory: new wasm.Memory({ initial: 1 }) } })).toThrow();
    expect(() => encodeModule(functions, { shared: true })).toThrow(/maximum/);
  });
});
