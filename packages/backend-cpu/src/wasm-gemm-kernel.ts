// The wasm SIMD sgemm macro-kernel: C[mc, nc] (+)= A[mc, kc] · B[kc, nc] over packed panels, with
// an MR×NR register tile of v128 accumulators. A comes as MR-row strips (k-major, MR floats per
// k), B as NR-column strips (NR floats per k); mc and nc are multiples of MR and NR (zero-padded).

import { Code, I32, V128, type WasmFunction } from './wasm-emitter.js';

/** Rows of the register tile: one splat of A per row and k. */
export const MR = 4;
/** Columns of the register tile: NR / 4 vectors of B per k. */
export const NR = 8;

/**
 * gemmBlock(a, b, c, mc, nc, kc, ldc, add): byte addresses a, b, c; ldc is C's row pitch in
 * bytes; add ≠ 0 adds the product to C instead of overwriting it. kc ≥ 1, mc, nc ≥ 1 tile.
 *
 * Baseline SIMD has no fused multiply-add, so each step is a mul and an add; with MR·NR/4 = 8
 * accumulators, NR/4 B vectors, one A splat and one product the tile needs 12 of the 15 xmm
 * registers V8 allocates on x64, so nothing spills. `fusedMultiplyAdd` uses relaxed SIMD's
 * f32x4.relaxed_madd instead (an FMA where the hardware has one), for engines that accept it.
 */
export function gemmBlockFunction(fusedMultiplyAdd: boolean): WasmFunction {
  const params = [I32, I32, I32, I32, I32, I32, I32, I32] as const;
  const code = new Code(params.length);
  const [a, b, c, mc, nc, kc, ldc, add] = [0, 1, 2, 3, 4, 5, 6, 7];
  const js = code.local(I32);
  const is = code.local(I32);
  const pa = code.local(I32);
  const pb = code.local(I32);
  const stripB = code.local(I32);
  const stripA = code.local(I32);
  const end = code.local(I32);
  const tileC = code.local(I32);
  const rowC = code.local(I32);
  const columnC = code.local(I32);
  const vectors = NR / 4;
  const accumulators = Array.from({ length: MR * vectors }, () => code.local(V128));
  const bv = Array.from({ length: vectors }, () => code.local(V128));
  const av = code.local(V128);
  const accumulator = (r: number, q: number): number => accumulators[r * vectors + q]!;

  const storeTile = (accumulate: boolean): void => {
    code.get(tileC).set(rowC);
    for (let r = 0; r < MR; r++) {
      for (let q = 0; q < vectors; q++) {
        code.get(rowC);
        if (accumulate)
          code
            .get(rowC)
            .v128Load(16 * q)
            .get(accumulator(r, q))
            .f32x4Add();
        else code.get(accumulator(r, q));
        code.v128Store(16 * q);
      }
      if (r < MR - 1) code.addLocal(rowC, ldc);
    }
  };

  code.get(b).set(stripB);
  code.get(c).set(columnC);
  code.i32(0).set(js);
  code.doWhile(
    () => {
      code.get(a).set(stripA);
      code.get(columnC).set(tileC);
      code.i32(0).set(is);
      // kc·NR floats per B strip: the k loop ends where the next strip starts.
      code
        .get(stripB)
        .get(kc)
        .i32(NR * 4)
        .i32Mul()
        .i32Add()
        .set(end);
      code.doWhile(
        () => {
          for (const acc of accumulators) code.f32x4Const(0).set(acc);
          code.get(stripA).set(pa);
          code.get(stripB).set(pb);
          code.doWhile(
            () => {
              for (let q = 0; q < vectors; q++)
                code
                  .get(pb)
                  .v128Load(16 * q)
                  .set(bv[q]!);
              for (let r = 0; r < MR; r++) {
                code
                  .get(pa)
                  .load32Splat(4 * r)
                  .set(av);
                for (let q = 0; q < vectors; q++) {
                  const acc = accumulator(r, q);
                  if (fusedMultiplyAdd) code.get(av).get(bv[q]!).get(acc).f32x4RelaxedMadd().set(acc);
                  else code.get(acc).get(av).get(bv[q]!).f32x4Mul().f32x4Add().set(acc);
                }
              }
              code.addTo(pa, MR * 4).addTo(pb, NR * 4);
            },
            () => code.get(pb).get(end).i32LtU(),
          );
          code.get(add).ifElse(
            () => storeTile(true),
            () => storeTile(false),
          );
          // A strips are contiguous too: pa now points at the next one.
          code.get(pa).set(stripA);
          code.get(tileC).get(ldc).i32(MR).i32Mul().i32Add().set(tileC);
          code.addTo(is, MR);
        },
        () => code.get(is).get(mc).i32LtU(),
      );
      code.get(end).set(stripB);
      code.addTo(columnC, NR * 4);
      code.addTo(js, NR);
    },
    () => code.get(js).get(nc).i32LtU(),
  );
  return { name: 'gemmBlock', params, results: [], code };
}
