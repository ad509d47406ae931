// Packing of a staged operand block into the strips the sgemm macro-kernel reads: `strips` strips
// of w lines (w = MR rows of A or NR columns of B), k-major inside a strip (w floats per k).
// The staged block is either k rows of adjacent lines, or lines of adjacent k (needs transposes).

import { Code, I32, V128, type ValueType, type WasmFunction } from './wasm-emitter.js';

const PARAMS: readonly ValueType[] = [I32, I32, I32, I32, I32];

/**
 * packRows{w}(src, pitch, kc, strips, dst, stripPitch): line l of row k at src + k·pitch + 4l
 * (bytes); strip s starts at dst + s·stripPitch, so a caller can pack a block a few k at a time.
 * Each strip copies w floats per k as w/4 whole vectors.
 */
export function packRowsFunction(width: 4 | 8): WasmFunction {
  const params: ValueType[] = [...PARAMS, I32];
  const code = new Code(params.length);
  const [src, pitch, kc, strips, dst, stripPitch] = [0, 1, 2, 3, 4, 5];
  const row = code.local(I32);
  const out = code.local(I32);
  const k = code.local(I32);
  code.doWhile(
    () => {
      code.get(src).set(row);
      code.get(dst).set(out);
      code.get(kc).set(k);
      code.doWhile(
        () => {
          for (let q = 0; q < width / 4; q++)
            code
              .get(out)
              .get(row)
              .v128Load(16 * q)
              .v128Store(16 * q);
          code.addLocal(row, pitch).addTo(out, width * 4);
          code.get(k).i32(1).i32Sub().tee(k);
        },
        () => {},
      );
      code.addTo(src, width * 4);
      code.addLocal(dst, stripPitch);
      code.get(strips).i32(1).i32Sub().tee(strips);
    },
    () => {},
  );
  return { name: `packRows${width}`, params, results: [], code };
}

// i8x16.shuffle byte lanes for 32-bit lanes: a0 b0 a1 b1 / a2 b2 a3 b3 / a0 a1 b0 b1 / a2 a3 b2 b3.
const lanes = (...picks: number[]): number[] => picks.flatMap((pick) => [4 * pick, 4 * pick + 1, 4 * pick + 2, 4 * pick + 3]);
const INTERLEAVE_LOW = lanes(0, 4, 1, 5);
const INTERLEAVE_HIGH = lanes(2, 6, 3, 7);
const JOIN_LOW = lanes(0, 1, 4, 5);
const JOIN_HIGH = lanes(2, 3, 6, 7);

/**
 * packLines{w}(src, pitch, kc, strips, dst): element k of line l at src + l·pitch + 4k (bytes).
 * Four k at a time, each group of four lines is a 4×4 transpose (eight shuffles); the kc mod 4
 * remaining k move one float at a time.
 */
export function packLinesFunction(width: 4 | 8): WasmFunction {
  const code = new Code(PARAMS.length);
  const [src, pitch, kc, strips, dst] = [0, 1, 2, 3, 4];
  const line = Array.from({ length: width }, () => code.local(I32));
  const k = code.local(I32);
  const rows = Array.from({ length: 4 }, () => code.local(V128));
  const mixed = Array.from({ length: 4 }, () => code.local(V128));
  const columns = Array.from({ length: width / 4 }, () => Array.from({ length: 4 }, () => code.local(V128)));

  const transpose = (group: number): void => {
    rows.forEach((row, r) =>
      code
        .get(line[4 * group + r]!)
        .v128Load()
        .set(row),
    );
    code.get(rows[0]!).get(rows[1]!).shuffle(INTERLEAVE_LOW).set(mixed[0]!);
    code.get(rows[0]!).get(rows[1]!).shuffle(INTERLEAVE_HIGH).set(mixed[1]!);
    code.get(rows[2]!).get(rows[3]!).shuffle(INTERLEAVE_LOW).set(mixed[2]!);
    code.get(rows[2]!).get(rows[3]!).shuffle(INTERLEAVE_HIGH).set(mixed[3]!);
    const out = columns[group]!;
    code.get(mixed[0]!).get(mixed[2]!).shuffle(JOIN_LOW).set(out[0]!);
    code.get(mixed[0]!).get(mixed[2]!).shuffle(JOIN_HIGH).set(out[1]!);
    code.get(mixed[1]!).get(mixed[3]!).shuffle(JOIN_LOW).set(out[2]!);
    code.get(mixed[1]!).get(mixed[3]!).shuffle(JOIN_HIGH).set(out[3]!);
  };

  code.doWhile(
    () => {
      line.forEach((pointer, l) => code.get(src).get(pitch).i32(l).i32Mul().i32Add().set(pointer));
      code.get(kc).set(k);
      code.block(() => {
        code.loop(() => {
          code.get(k).i32(4).i32LtU().brIf(1);
          for (let group = 0; group < width / 4; group++) transpose(group);
          // Step j of the four holds line group·4 + lane at k + j.
          for (let step = 0; step < 4; step++) {
            for (let group = 0; group < width / 4; group++) {
              code
                .get(dst)
                .get(columns[group]![step]!)
                .v128Store(step * width * 4 + group * 16);
            }
          }
          code.addTo(dst, 4 * width * 4);
          for (const pointer of line) code.addTo(pointer, 16);
          code.get(k).i32(4).i32Sub().set(k);
          code.br(0);
        });
      });
      code.block(() => {
        code.loop(() => {
          code.get(k).i32Eqz().brIf(1);
          line.forEach((pointer, l) =>
            code
              .get(dst)
              .get(pointer)
              .f32Load()
              .f32Store(4 * l),
          );
          code.addTo(dst, width * 4);
          for (const pointer of line) code.addTo(pointer, 4);
          code.get(k).i32(1).i32Sub().set(k);
          code.br(0);
        });
      });
      code.get(src).get(pitch).i32(width).i32Mul().i32Add().set(src);
      code.get(strips).i32(1).i32Sub().tee(strips);
    },
    () => {},
  );
  return { name: `packLines${width}`, params: PARAMS, results: [], code };
}
