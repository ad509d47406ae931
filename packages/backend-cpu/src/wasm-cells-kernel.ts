// The fused LSTM / GRU cell kernels (forward and backward) as wasm SIMD, four hidden units per
// step. B batch rows, W the hidden width padded to a multiple of 4; gate arrays are [B, G·W]
// (LSTM G = 4: i f g o; GRU G = 3: r z n), state arrays [B, W], all dense in wasm memory.

import { Code, I32, V128, type ValueType, type WasmFunction } from './wasm-emitter.js';
import { VectorMath } from './wasm-math.js';

interface Cell {
  readonly code: Code;
  readonly math: VectorMath;
  /** Pushes the address of gate `k` of gate array `array` at the current unit. */
  gate(array: number, k: number): Code;
  /** Pushes the address of state array `array` at the current unit. */
  state(array: number): Code;
  /** A fresh v128 local. */
  vector(): number;
}

/**
 * fn(...arrays, rows, width): runs `body` once per four units of every row (rows ≥ 1, width a
 * positive multiple of 4). Gate arrays advance G·width per row, state arrays width.
 */
function cellFunction(name: string, arrays: number, gates: number, body: (cell: Cell) => void): WasmFunction {
  const params: ValueType[] = [...Array.from({ length: arrays }, (): ValueType => I32), I32, I32];
  const code = new Code(params.length);
  const [rows, width] = [arrays, arrays + 1];
  const pitch = code.local(I32);
  const gateOffsets = Array.from({ length: gates }, () => code.local(I32));
  const unit = code.local(I32);
  const gateUnit = code.local(I32);
  const rowEnd = code.local(I32);
  const cell: Cell = {
    code,
    math: new VectorMath(code),
    gate: (array, k) => code.get(array).get(gateUnit).i32Add().get(gateOffsets[k]!).i32Add(),
    state: (array) => code.get(array).get(unit).i32Add(),
    vector: () => code.local(V128),
  };
  code.get(width).i32(4).i32Mul().set(pitch);
  gateOffsets.forEach((offset, k) => code.get(pitch).i32(k).i32Mul().set(offset));
  code.i32(0).set(unit);
  code.i32(0).set(gateUnit);
  code.doWhile(
    () => {
      code.get(unit).get(pitch).i32Add().set(rowEnd);
      code.doWhile(
        () => {
          body(cell);
          code.addTo(unit, 16).addTo(gateUnit, 16);
        },
        () => code.get(unit).get(rowEnd).i32LtU(),
      );
      // The other G − 1 gate segments of this row were covered through gateOffsets.
      code
        .get(gateUnit)
        .get(pitch)
        .i32(gates - 1)
        .i32Mul()
        .i32Add()
        .set(gateUnit);
      code.get(rows).i32(1).i32Sub().tee(rows);
    },
    () => {},
  );
  return { name, params, results: [], code };
}

/** lstmForward(gates, c, h, cNext, act, rows, width); act always written (scratch if unused). */
function lstmForward(): WasmFunction {
  const [gates, c, h, cNext, act] = [0, 1, 2, 3, 4];
  return cellFunction('lstmForward', 5, 4, ({ code, math, gate, state, vector }) => {
    const [i, f, g, o, cn] = [vector(), vector(), vector(), vector(), vector()];
    gate(gates, 0).v128Load();
    math.sigmoid();
    code.set(i);
    gate(gates, 1).v128Load();
    math.sigmoid();
    code.set(f);
    gate(gates, 2).v128Load();
    math.tanh();
    code.set(g);
    gate(gates, 3).v128Load();
    math.sigmoid();
    code.set(o);
    [i, f, g, o].forEach((value, k) => gate(act, k).get(value).v128Store());
    state(cNext).get(f);
    state(c).v128Load().f32x4Mul().get(i).get(g).f32x4Mul().f32x4Add().tee(cn).v128Store();
    state(h).get(o).get(cn);
    math.tanh();
    code.f32x4Mul().v128Store();
  });
}

/** lstmBackward(act, c, cNext, dh, dcNext, dGates, dc, rows, width). */
function lstmBackward(): WasmFunction {
  const [act, c, cNext, dh, dcNext, dGates, dc] = [0, 1, 2, 3, 4, 5, 6];
  return cellFunction('lstmBackward', 7, 4, ({ code, math, gate, state, vector }) => {
    const [i, f, g, o, tc, dhv, total] = [vector(), vector(), vector(), vector(), vector(), vector(), vector()];
    [i, f, g, o].forEach((value, k) => gate(act, k).v128Load().set(value));
    state(cNext).v128Load();
    math.tanh();
    code.set(tc);
    state(dh).v128Load().set(dhv);
    // dL/dc' sums the direct path and the path through h = o·tanh(c').
    state(dcNext).v128Load().get(dhv).get(o).f32x4Mul();
    code.f32x4Const(1).get(tc).get(tc).f32x4Mul().f32x4Sub().f32x4Mul().f32x4Add().set(total);
    const oneMinus = (value: number): Code => code.f32x4Const(1).get(value).f32x4Sub();
    gate(dGates, 0).get(total).get(g).f32x4Mul().get(i).f32x4Mul();
    oneMinus(i).f32x4Mul().v128Store();
    gate(dGates, 1).get(total);
    state(c).v128Load().f32x4Mul().get(f).f32x4Mul();
    oneMinus(f).f32x4Mul().v128Store();
    gate(dGates, 2).get(total).get(i).f32x4Mul();
    code.f32x4Const(1).get(g).get(g).f32x4Mul().f32x4Sub().f32x4Mul().v128Store();
    gate(dGates, 3).get(dhv).get(tc).f32x4Mul().get(o).f32x4Mul();
    oneMinus(o).f32x4Mul().v128Store();
    state(dc).get(total).get(f).f32x4Mul().v128Store();
  });
}

/** gruForward(gx, gh, h, hNext, act, rows, width); act always written. */
function gruForward(): WasmFunction {
  const [gx, gh, h, hNext, act] = [0, 1, 2, 3, 4];
  return cellFunction('gruForward', 5, 3, ({ code, math, gate, state, vector }) => {
    const [r, z, n] = [vector(), vector(), vector()];
    gate(gx, 0).v128Load();
    gate(gh, 0).v128Load().f32x4Add();
    math.sigmoid();
    code.set(r);
    gate(gx, 1).v128Load();
    gate(gh, 1).v128Load().f32x4Add();
    math.sigmoid();
    code.set(z);
    gate(gx, 2).v128Load().get(r);
    gate(gh, 2).v128Load().f32x4Mul().f32x4Add();
    math.tanh();
    code.set(n);
    [r, z, n].forEach((value, k) => gate(act, k).get(value).v128Store());
    state(hNext).get(n).get(z);
    state(h).v128Load().get(n).f32x4Sub().f32x4Mul().f32x4Add().v128Store();
  });
}

/** gruBackward(act, gh, h, dhNext, dgx, dgh, dh, rows, width). */
function gruBackward(): WasmFunction {
  const [act, gh, h, dhNext, dgx, dgh, dh] = [0, 1, 2, 3, 4, 5, 6];
  return cellFunction('gruBackward', 7, 3, ({ code, gate, state, vector }) => {
    const [r, z, n, d, dn, dz, dr] = [vector(), vector(), vector(), vector(), vector(), vector(), vector()];
    const oneMinus = (value: number): Code => code.f32x4Const(1).get(value).f32x4Sub();
    [r, z, n].forEach((value, k) => gate(act, k).v128Load().set(value));
    state(dhNext).v128Load().set(d);
    code.get(d);
    oneMinus(z).f32x4Mul();
    code.f32x4Const(1).get(n).get(n).f32x4Mul().f32x4Sub().f32x4Mul().set(dn);
    code.get(d);
    state(h).v128Load().get(n).f32x4Sub().f32x4Mul().get(z).f32x4Mul();
    oneMinus(z).f32x4Mul().set(dz);
    code.get(dn);
    gate(gh, 2).v128Load().f32x4Mul().get(r).f32x4Mul();
    oneMinus(r).f32x4Mul().set(dr);
    [dr, dz, dn].forEach((value, k) => gate(dgx, k).get(value).v128Store());
    gate(dgh, 0).get(dr).v128Store();
    gate(dgh, 1).get(dz).v128Store();
    gate(dgh, 2).get(dn).get(r).f32x4Mul().v128Store();
    state(dh).get(d).get(z).f32x4Mul().v128Store();
  });
}

export function cellFunctions(): WasmFunction[] {
  return [lstmForward(), lstmBackward(), gruForward(), gruBackward()];
}
