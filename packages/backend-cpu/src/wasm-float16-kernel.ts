// The wasm SIMD kernel of the float16 linear layer: dots[n] = Σ_k W[n, k]·x[k] in float32 for
// float16 weight rows W (K padded to G groups of 8 with zeros) and one float32 row x. Each half
// is widened to float32 in registers: sign-extended to i32, its exponent and mantissa shifted into
// float32's places and scaled by 2^112 (the bias difference; subnormals come out right too), its
// sign OR-ed back. Finite halves only (the weights a model stores).

import { Code, I32, V128, type WasmFunction } from './wasm-emitter.js';
import { simd } from './wasm-int8-kernel.js';

const extendLowI16 = (code: Code) => simd(code, 0xa7);
const extendHighI16 = (code: Code) => simd(code, 0xa8);
const and = (code: Code) => simd(code, 0x4e);
const or = (code: Code) => simd(code, 0x50);
const extractLane = (code: Code, lane: number) => simd(code, 0x1f, lane);

/** float16Dots(x, w, pitch, rows, groups, out): byte addresses x (groups·8 floats), w (rows of `pitch` bytes), out (rows floats). */
export function float16DotsFunction(): WasmFunction {
  const params = [I32, I32, I32, I32, I32, I32] as const;
  const code = new Code(params.length);
  const [x, w, pitch, rows, groups, out] = [0, 1, 2, 3, 4, 5];
  const row = code.local(I32);
  const pw = code.local(I32);
  const px = code.local(I32);
  const left = code.local(I32);
  const po = code.local(I32);
  const low = code.local(V128);
  const high = code.local(V128);
  const halves = code.local(V128);

  /** The float32 values of the sign-extended halves on the stack. */
  const widen = (): void => {
    const bits = code.local(V128);
    code.tee(bits).i32(13).i32x4Shl().i32x4Const(0x0fffe000);
    and(code)
      .f32x4Const(2 ** 112)
      .f32x4Mul();
    code.get(bits).i32x4Const(0x80000000 | 0);
    and(code);
    or(code);
  };

  code.i32(0).set(row);
  code.get(out).set(po);
  code.doWhile(
    () => {
      code.get(w).get(row).get(pitch).i32Mul().i32Add().set(pw);
      code.get(x).set(px);
      code.get(groups).set(left);
      code.f32x4Const(0).set(low);
      code.f32x4Const(0).set(high);
      code.doWhile(
        () => {
          code.get(pw).v128Load().set(halves);
          code.get(halves);
          extendLowI16(code);
          widen();
          code.get(px).v128Load(0).f32x4Mul().get(low).f32x4Add().set(low);
          code.get(halves);
          extendHighI16(code);
          widen();
          code.get(px).v128Load(16).f32x4Mul().get(high).f32x4Add().set(high);
          code.addTo(pw, 16).addTo(px, 32).addTo(left, -1);
        },
        () => code.get(left),
      );
      code.get(po);
      code.get(low).get(high).f32x4Add().set(low);
      extractLane(code.get(low), 0);
      extractLane(code.get(low), 1);
      code.bytes.push(0x92); // f32.add
      extractLane(code.get(low), 2);
      extractLane(code.get(low), 3);
      code.bytes.push(0x92, 0x92);
      code.f32Store();
      code.addTo(po, 4).addTo(row, 1);
    },
    () => code.get(row).get(rows).i32LtU(),
  );
  return { name: 'float16Dots', params, results: [], code };
}
