// Zeroing of allocator blocks (wasm-allocator.ts) in wasm: a freshly handed-out block must read
// as zeros (BackendV1's alloc), and a JS `fill` on a SharedArrayBuffer view runs several times
// slower than 32-byte vector stores. zeroGrains(dst, grains): `grains` (≥ 1) × 32 bytes from dst.

import { Code, I32, type WasmFunction } from './wasm-emitter.js';

export function zeroGrainsFunction(): WasmFunction {
  const code = new Code(2);
  const [dst, grains] = [0, 1];
  code.doWhile(
    () => {
      code.get(dst).i32x4Const(0).v128Store(0);
      code.get(dst).i32x4Const(0).v128Store(16);
      code.addTo(dst, 32);
    },
    () => code.get(grains).i32(1).i32Sub().tee(grains),
  );
  return { name: 'zeroGrains', params: [I32, I32], results: [], code };
}
