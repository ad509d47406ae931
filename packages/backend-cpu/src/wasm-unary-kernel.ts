// Elementwise float32 σ and tanh as wasm SIMD maps over dense arrays in wasm memory, on the same
// vectorised math as the fused cells (wasm-math.ts): Math.tanh / Math.exp per element cost
// 10–20 ns, these about one. fn(src, dst, vectors): `vectors` groups of 4 floats. exp itself is
// not among them: its clamp at ±88 (kept for σ and tanh) would turn e^89 into 1.7e38, not ∞.

import { Code, I32, type ValueType, type WasmFunction } from './wasm-emitter.js';
import { VectorMath } from './wasm-math.js';

export type WasmUnaryOp = 'sigmoid' | 'tanh';

export const WASM_UNARY_OPS: readonly WasmUnaryOp[] = ['sigmoid', 'tanh'];

/** The export name of the map for `op`. */
export const unaryExport = (op: WasmUnaryOp): `${WasmUnaryOp}Map` => `${op}Map`;

function mapFunction(op: WasmUnaryOp): WasmFunction {
  const params: ValueType[] = [I32, I32, I32];
  const code = new Code(params.length);
  const [src, dst, vectors] = [0, 1, 2];
  const end = code.local(I32);
  const math = new VectorMath(code);
  code.get(src).get(vectors).i32(16).i32Mul().i32Add().set(end);
  code.doWhile(
    () => {
      code.get(dst);
      code.get(src).v128Load();
      math[op]();
      code.v128Store();
      code.addTo(src, 16).addTo(dst, 16);
    },
    () => code.get(src).get(end).i32LtU(),
  );
  return { name: unaryExport(op), params, results: [], code };
}

export function unaryFunctions(): WasmFunction[] {
  return WASM_UNARY_OPS.map(mapFunction);
}
