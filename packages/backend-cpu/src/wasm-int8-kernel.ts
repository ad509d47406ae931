// The wasm SIMD kernel of the int8 linear layer: dots[n] = Σ_k q[n, k]·x[k] for int8 weight rows
// q (K padded to G groups of 16 with zeros) and one int16 activation row x. Each group of 16
// weights is widened to two i16x8 halves (i16x8.extend_*_i8x16_s) and multiplied with x by
// i32x4.dot_i16x8_s; the i32 sums move to float32 every 128 groups, before they could overflow
// (128·16/4 = 512 products of |127·32767| per lane < 2^31).

import { Code, I32, V128, type WasmFunction } from './wasm-emitter.js';

/** Groups of 16 per i32 block: 512 products per lane, each at most 127·32767 in magnitude. */
export const GROUPS_PER_BLOCK = 128;

function leb(value: number, out: number[]): void {
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
}

/** The SIMD and scalar opcodes this kernel adds to the emitter's set (pushed as raw bytes). */
export const simd = (code: Code, opcode: number, ...immediates: number[]): Code => {
  code.bytes.push(0xfd);
  leb(opcode, code.bytes);
  code.bytes.push(...immediates);
  return code;
};
const extendLowI8 = (code: Code) => simd(code, 0x87);
const extendHighI8 = (code: Code) => simd(code, 0x88);
const dotI16 = (code: Code) => simd(code, 0xba);
const addI32x4 = (code: Code) => simd(code, 0xae);
const convertI32x4 = (code: Code) => simd(code, 0xfa);
const extractLaneF32 = (code: Code, lane: number) => simd(code, 0x1f, lane);
const addF32 = (code: Code) => {
  code.bytes.push(0x92);
  return code;
};
const select = (code: Code) => {
  code.bytes.push(0x1b);
  return code;
};

/**
 * int8Dots(x, w, pitch, rows, groups, out): byte addresses x (groups·16 int16), w (rows rows of
 * `pitch` bytes, the first groups·16 of each used), out (rows float32). rows ≥ 1, groups ≥ 1.
 */
export function int8DotsFunction(): WasmFunction {
  const params = [I32, I32, I32, I32, I32, I32] as const;
  const code = new Code(params.length);
  const [x, w, pitch, rows, groups, out] = [0, 1, 2, 3, 4, 5];
  const row = code.local(I32);
  const pw = code.local(I32);
  const px = code.local(I32);
  const left = code.local(I32);
  const count = code.local(I32);
  const po = code.local(I32);
  const floats = code.local(V128);
  const ints = code.local(V128);
  const weights = code.local(V128);

  code.i32(0).set(row);
  code.get(out).set(po);
  code.doWhile(
    () => {
      code.get(w).get(row).get(pitch).i32Mul().i32Add().set(pw);
      code.get(x).set(px);
      code.get(groups).set(left);
      code.f32x4Const(0).set(floats);
      code.doWhile(
        () => {
          // count = min(left, GROUPS_PER_BLOCK); left -= count
          code.get(left).i32(GROUPS_PER_BLOCK).get(left).i32(GROUPS_PER_BLOCK).i32LtU();
          select(code).set(count);
          code.get(left).get(count).i32Sub().set(left);
          code.i32x4Const(0).set(ints);
          code.doWhile(
            () => {
              code.get(pw).v128Load().set(weights);
              code.get(ints).get(weights);
              extendLowI8(code).get(px).v128Load(0);
              dotI16(code);
              addI32x4(code);
              code.get(weights);
              extendHighI8(code).get(px).v128Load(16);
              dotI16(code);
              addI32x4(code).set(ints);
              code.addTo(pw, 16).addTo(px, 32).addTo(count, -1);
            },
            () => code.get(count),
          );
          code.get(floats).get(ints);
          convertI32x4(code).f32x4Add().set(floats);
        },
        () => code.get(left),
      );
      code.get(po);
      extractLaneF32(code.get(floats), 0);
      extractLaneF32(code.get(floats), 1);
      addF32(code);
      extractLaneF32(code.get(floats), 2);
      extractLaneF32(code.get(floats), 3);
      addF32(code);
      addF32(code);
      code.f32Store();
      code.addTo(po, 4).addTo(row, 1);
    },
    () => code.get(row).get(rows).i32LtU(),
  );
  return { name: 'int8Dots', params, results: [], code };
}
