// Elementwise float32 add / sub / mul / div as wasm SIMD over rows in wasm memory, with the
// broadcasting the scan and the optimizers use: along a row each operand is either dense or one
// float repeated (a splat), and rows advance by any byte step (0 repeats a row, as a bias over a
// batch). IEEE float32 + − × ÷ round exactly as the TypeScript loops' float64 op then float32
// store does, so results are bitwise theirs. fn(a, b, out, rows, cols, aRow, bRow, outRow, mode).

import { Code, I32, type ValueType, type WasmFunction } from './wasm-emitter.js';

export type WasmBinaryOp = 'add' | 'sub' | 'mul' | 'div';

export const WASM_BINARY_OPS: readonly WasmBinaryOp[] = ['add', 'sub', 'mul', 'div'];

/** Along a row: both operands dense, b a splat, or a a splat. */
export const BINARY_MODE = { dense: 0, splatB: 1, splatA: 2 } as const;

/** The export name of the kernel for `op`. */
export const binaryExport = (op: WasmBinaryOp): `${WasmBinaryOp}Rows` => `${op}Rows`;

const VECTOR: Record<WasmBinaryOp, (code: Code) => Code> = {
  add: (code) => code.f32x4Add(),
  sub: (code) => code.f32x4Sub(),
  mul: (code) => code.f32x4Mul(),
  div: (code) => code.f32x4Div(),
};
const SCALAR: Record<WasmBinaryOp, (code: Code) => Code> = {
  add: (code) => code.f32Add(),
  sub: (code) => code.f32Sub(),
  mul: (code) => code.f32Mul(),
  div: (code) => code.f32Div(),
};

function rowsFunction(op: WasmBinaryOp): WasmFunction {
  const params: ValueType[] = Array.from({ length: 9 }, (): ValueType => I32);
  const code = new Code(params.length);
  const [a, b, out, rows, cols, aRow, bRow, outRow, mode] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const local = () => code.local(I32);
  const [pa, pb, po, vectorEnd, end, aStep, bStep] = [local(), local(), local(), local(), local(), local(), local()];
  // Scalar steps for the tail: a splat operand stays put.
  code.i32(4).i32(0).get(mode).i32(BINARY_MODE.splatA).i32Ne().select().set(aStep);
  code.i32(4).i32(0).get(mode).i32(BINARY_MODE.splatB).i32Ne().select().set(bStep);
  /** One vector loop over [po, vectorEnd): `load(pointer)` pushes each operand's four floats. */
  const vectorLoop = (loadA: () => void, loadB: () => void): void => {
    code.doWhile(
      () => {
        code.get(po);
        loadA();
        loadB();
        VECTOR[op](code).v128Store();
        code.addTo(po, 16);
      },
      () => code.get(po).get(vectorEnd).i32LtU(),
    );
  };
  const dense = (pointer: number) => () => code.get(pointer).v128Load().addTo(pointer, 16);
  const splat = (pointer: number) => () => code.get(pointer).load32Splat();
  code.doWhile(
    () => {
      code.get(a).set(pa).get(b).set(pb).get(out).set(po);
      code.get(out).get(cols).i32(-4).i32And().i32(4).i32Mul().i32Add().set(vectorEnd);
      code.get(out).get(cols).i32(4).i32Mul().i32Add().set(end);
      code.get(po).get(vectorEnd).i32LtU();
      code.ifElse(() => {
        code.get(mode).i32(BINARY_MODE.splatB).i32Ne();
        code.ifElse(
          () => {
            code.get(mode).i32(BINARY_MODE.splatA).i32Ne();
            code.ifElse(
              () => vectorLoop(dense(pa), dense(pb)),
              () => vectorLoop(splat(pa), dense(pb)),
            );
          },
          () => vectorLoop(dense(pa), splat(pb)),
        );
      });
      // The last cols mod 4 floats one at a time.
      code.get(po).get(end).i32LtU();
      code.ifElse(() =>
        code.doWhile(
          () => {
            code.get(po).get(pa).f32Load().get(pb).f32Load();
            SCALAR[op](code).f32Store();
            code.addTo(po, 4).addLocal(pa, aStep).addLocal(pb, bStep);
          },
          () => code.get(po).get(end).i32LtU(),
        ),
      );
      code.addLocal(a, aRow).addLocal(b, bRow).addLocal(out, outRow);
      code.get(rows).i32(1).i32Sub().tee(rows);
    },
    () => {},
  );
  return { name: binaryExport(op), params, results: [], code };
}

export function binaryFunctions(): WasmFunction[] {
  return WASM_BINARY_OPS.map(rowsFunction);
}
