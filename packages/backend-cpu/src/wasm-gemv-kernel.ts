// The wasm SIMD kernel for a product with one row of A (an RNN step at batch 1): c[nc] (+)= a[kc] ·
// B[kc, nc], B as the NR-column strips gemmBlock reads (k-major, NR floats per k). Each output
// lane gets the same float32 operations in the same order as row 0 of gemmBlock's tile, so the
// two kernels agree bitwise; a·B is memory-bound, so no zero rows of A are multiplied.

import { Code, I32, V128, type WasmFunction } from './wasm-emitter.js';
import { NR } from './wasm-gemm-kernel.js';

// Strips per group: 4 strips × NR/4 vectors = 8 independent accumulators hide the add latency.
const GROUP = 4;

/**
 * gemvBlock(a, b, c, nc, kc, add): byte addresses a (kc floats), b (nc/NR strips of kc·NR
 * floats), c (nc floats); add ≠ 0 adds the product to c. kc ≥ 1, nc ≥ 1 a multiple of NR.
 */
export function gemvBlockFunction(fusedMultiplyAdd: boolean): WasmFunction {
  const params = [I32, I32, I32, I32, I32, I32] as const;
  const code = new Code(params.length);
  const [a, b, c, nc, kc, add] = [0, 1, 2, 3, 4, 5];
  const js = code.local(I32);
  const pa = code.local(I32);
  const end = code.local(I32);
  const pitch = code.local(I32);
  const column = code.local(I32);
  const strip = code.local(I32);
  const pointers = Array.from({ length: GROUP }, () => code.local(I32));
  const vectors = NR / 4;
  const accumulators = Array.from({ length: GROUP * vectors }, () => code.local(V128));
  const av = code.local(V128);

  /** Runs the k loop over `strips` strips starting at `strip`, then stores them at `column`. */
  const strips = (count: number): void => {
    const used = accumulators.slice(0, count * vectors);
    for (const acc of used) code.f32x4Const(0).set(acc);
    for (let s = 0; s < count; s++) {
      code.get(strip);
      if (s > 0) code.get(pitch).i32(s).i32Mul().i32Add();
      code.set(pointers[s]!);
    }
    code.get(a).set(pa);
    code.doWhile(
      () => {
        code.get(pa).load32Splat().set(av);
        for (let s = 0; s < count; s++) {
          for (let q = 0; q < vectors; q++) {
            const acc = used[s * vectors + q]!;
            // b·a + acc: IEEE products and sums commute, so this is gemmBlock's acc + a·b.
            code
              .get(pointers[s]!)
              .v128Load(16 * q)
              .get(av);
            if (fusedMultiplyAdd) code.get(acc).f32x4RelaxedMadd().set(acc);
            else code.f32x4Mul().get(acc).f32x4Add().set(acc);
          }
          code.addTo(pointers[s]!, NR * 4);
        }
        code.addTo(pa, 4);
      },
      () => code.get(pa).get(end).i32LtU(),
    );
    const store = (accumulate: boolean): void => {
      for (let s = 0; s < count; s++) {
        for (let q = 0; q < vectors; q++) {
          const offset = 16 * (s * vectors + q);
          code.get(column);
          if (accumulate)
            code
              .get(column)
              .v128Load(offset)
              .get(used[s * vectors + q]!)
              .f32x4Add();
          else code.get(used[s * vectors + q]!);
          code.v128Store(offset);
        }
      }
    };
    code.get(add).ifElse(
      () => store(true),
      () => store(false),
    );
    code.get(strip).get(pitch).i32(count).i32Mul().i32Add().set(strip);
    code.addTo(column, count * NR * 4);
    code.addTo(js, count * NR);
  };

  code.get(a).get(kc).i32(4).i32Mul().i32Add().set(end);
  code
    .get(kc)
    .i32(NR * 4)
    .i32Mul()
    .set(pitch);
  code.get(b).set(strip);
  code.get(c).set(column);
  code.i32(0).set(js);
  // Groups of GROUP strips while that many are left: !(nc < js + GROUP·NR).
  const groupLeft = (): void => {
    code
      .get(nc)
      .get(js)
      .i32(GROUP * NR)
      .i32Add()
      .i32LtU()
      .i32Eqz();
  };
  groupLeft();
  code.ifElse(() => code.doWhile(() => strips(GROUP), groupLeft));
  code.get(js).get(nc).i32LtU();
  code.ifElse(() =>
    code.doWhile(
      () => strips(1),
      () => code.get(js).get(nc).i32LtU(),
    ),
  );
  return { name: 'gemvBlock', params, results: [], code };
}
