// Whole-sequence LSTM / GRU walks as wasm functions (fused-sequence.ts drives them): one call runs
// every step of a layer-direction at batch 1 — h_{t−1}·W_hhᵀ on W_hh's packed strips (gemvProduct:
// gemvBlock per k and column block as matmul's one-row path runs it), then the fused cell kernel —
// calling the very functions the per-step path calls, in its order, so results are bitwise its. The
// backward walks back: cell backward, then dh_{t−1} = dY_{t−1} (+ direct) + dG_t·W_hh. H hidden,
// G gate blocks (LSTM 4, GRU 3); pointers are byte addresses, steps between rows signed byte deltas.

import { Code, I32, type ValueType, type WasmFunction } from './wasm-emitter.js';

/** The exports of these functions (the runtime's `kernels` object carries them). */
export interface SequenceExports {
  gemvProduct(a: number, packed: number, c: number, n: number, k: number, kcMax: number, ncMax: number, scratch: number, add: number): void;
  lstmSequence(gates: number, packed: number, h0: number, c0: number, y: number, act: number, ...walk: number[]): void;
  lstmSequenceBackward(...args: number[]): void;
  gruSequence(...args: number[]): void;
  gruSequenceBackward(...args: number[]): void;
}

/** A function of `names.length` i32 parameters; `body` gets their local indices by name. */
function walkFunction<N extends string>(name: string, names: readonly N[], body: (code: Code, p: Record<N, number>) => void): WasmFunction {
  const params = names.map((): ValueType => I32);
  const code = new Code(params.length);
  const p = Object.fromEntries(names.map((key, index) => [key, index])) as Record<N, number>;
  body(code, p);
  return { name, params, results: [], code };
}

/** Over the `bytes` (a positive multiple of 16) of the rows at locals `to` and `from`: to = from (+ other). */
function vectorRow(code: Code, bytes: number, to: number, from: number, other?: number): void {
  const offset = code.local(I32);
  code.i32(0).set(offset);
  code.doWhile(
    () => {
      code.get(to).get(offset).i32Add();
      code.get(from).get(offset).i32Add().v128Load();
      if (other !== undefined) code.get(other).get(offset).i32Add().v128Load().f32x4Add();
      code.v128Store();
      code.addTo(offset, 16);
    },
    () => code.get(offset).get(bytes).i32LtU(),
  );
}

/** The walks' last parameters, passed on to gemvProduct: k block, column block, scratch. */
const PRODUCT = ['kcMax', 'ncMax', 'scratch'] as const;

/** Emits c (+)= a·W (gemvProduct) with n = nGates·H columns and k = kGates·H. */
function product(
  code: Code,
  p: Record<'packed' | 'hidden' | (typeof PRODUCT)[number], number>,
  a: number,
  c: number,
  nGates: number,
  kGates: number,
  accumulate: 0 | 1,
): void {
  code.get(a).get(p.packed).get(c);
  code.get(p.hidden).i32(nGates).i32Mul().get(p.hidden).i32(kGates).i32Mul();
  code.get(p.kcMax).get(p.ncMax).get(p.scratch).i32(accumulate).call('gemvProduct');
}

/**
 * gemvProduct(a, packed, c, n, k, kcMax, ncMax, scratch, accumulate): c (+)= a·B as matmul's
 * one-row path forms it (wasm-gemm.ts) for B packed as its cache holds it. With one k block
 * (k ≤ kcMax) one gemvBlock adds into c (column blocks do not change a lane's sums); with k split
 * into blocks of kcMax, per column block of ncMax the blocks' sums gather in `scratch` and then
 * join c (c + Σ when accumulating, Σ otherwise), as matmul's staged copy-out does.
 */
function gemvProduct(): WasmFunction {
  const names = ['a', 'packed', 'c', 'n', 'k', 'kcMax', 'ncMax', 'scratch', 'accumulate'] as const;
  return walkFunction('gemvProduct', names, (code, p) => {
    const local = () => code.local(I32);
    const [jc, nc, pc, kc, bytes, column] = [local(), local(), local(), local(), local(), local()];
    /** Pushes min(x, y) of two i32 pushers. */
    const min = (x: () => void, y: () => void) => {
      x();
      y();
      x();
      y();
      code.i32LtU().select();
    };
    code.get(p.kcMax).get(p.k).i32LtU();
    code.ifElse(
      () => {
        code.i32(0).set(jc);
        code.doWhile(
          () => {
            min(
              () => code.get(p.ncMax),
              () => code.get(p.n).get(jc).i32Sub(),
            );
            code.set(nc);
            code.i32(0).set(pc);
            code.doWhile(
              () => {
                min(
                  () => code.get(p.kcMax),
                  () => code.get(p.k).get(pc).i32Sub(),
                );
                code.set(kc);
                code.get(p.a).get(pc).i32(4).i32Mul().i32Add();
                code.get(p.packed).get(jc).get(p.k).i32Mul().get(nc).get(pc).i32Mul().i32Add().i32(4).i32Mul().i32Add();
                code.get(p.scratch).get(nc).get(kc).get(pc).i32(0).i32Ne().call('gemvBlock');
                code.addLocal(pc, p.kcMax);
              },
              () => code.get(pc).get(p.k).i32LtU(),
            );
            code.get(p.c).get(jc).i32(4).i32Mul().i32Add().set(column);
            code.get(nc).i32(4).i32Mul().set(bytes);
            code.get(p.accumulate).ifElse(
              () => vectorRow(code, bytes, column, column, p.scratch),
              () => vectorRow(code, bytes, column, p.scratch),
            );
            code.addLocal(jc, p.ncMax);
          },
          () => code.get(jc).get(p.n).i32LtU(),
        );
      },
      () => code.get(p.a).get(p.packed).get(p.c).get(p.n).get(p.k).get(p.accumulate).call('gemvBlock'),
    );
  });
}

/**
 * lstmSequence(gates, packed, h0, c0, y, act, steps, hidden, gatesStep, yStep, actStep): per step
 * gates_t += h_{t−1}·W_hhᵀ (gemvBlock, accumulating), then lstmForward writes h_t and c_t to y
 * (h at y, c at y + 4H bytes) and the activations to act. `packed` holds W_hhᵀ's strips.
 */
function lstmSequence(): WasmFunction {
  const names = ['gates', 'packed', 'h0', 'c0', 'y', 'act', 'steps', 'hidden', 'gatesStep', 'yStep', 'actStep', ...PRODUCT] as const;
  return walkFunction('lstmSequence', names, (code, p) => {
    const [hPrev, cPrev, rowBytes] = [code.local(I32), code.local(I32), code.local(I32)];
    code.get(p.h0).set(hPrev).get(p.c0).set(cPrev);
    code.get(p.hidden).i32(4).i32Mul().set(rowBytes);
    code.doWhile(
      () => {
        product(code, p, hPrev, p.gates, 4, 1, 1);
        code.get(p.gates).get(cPrev).get(p.y).get(p.y).get(rowBytes).i32Add().get(p.act).i32(1).get(p.hidden).call('lstmForward');
        code.get(p.y).set(hPrev).get(p.y).get(rowBytes).i32Add().set(cPrev);
        code.addLocal(p.gates, p.gatesStep).addLocal(p.y, p.yStep).addLocal(p.act, p.actStep);
        code.get(p.steps).i32(1).i32Sub().set(p.steps);
      },
      () => code.get(p.steps),
    );
  });
}

/**
 * lstmSequenceBackward(act, y, c0, dy, dGates, packed, dh, dc, dcPrevious, dh0, dc0, steps,
 * hidden, actStep, yStep, dyStep, dGatesStep), pointers at the last step run forward and steps
 * towards the first. dh/dc hold the last step's dY on entry (the carried gradient of h and c);
 * y and dy rows are [h | c]; `packed` holds W_hh's strips (K = 4H, N = H).
 */
function lstmSequenceBackward(): WasmFunction {
  const names = [
    'act',
    'y',
    'c0',
    'dy',
    'dGates',
    'packed',
    'dh',
    'dc',
    'dcPrevious',
    'dh0',
    'dc0',
    'steps',
    'hidden',
    'actStep',
    'yStep',
    'dyStep',
    'dGatesStep',
    ...PRODUCT,
  ] as const;
  return walkFunction('lstmSequenceBackward', names, (code, p) => {
    const [rowBytes, cPrev, prevY, prevDy, prevDc] = [code.local(I32), code.local(I32), code.local(I32), code.local(I32), code.local(I32)];
    code.get(p.hidden).i32(4).i32Mul().set(rowBytes);
    code.doWhile(
      () => {
        code.get(p.steps).i32(1).i32Sub().set(p.steps);
        code.get(p.y).get(p.yStep).i32Add().set(prevY);
        code.get(p.dy).get(p.dyStep).i32Add().set(prevDy);
        code.get(prevDy).get(rowBytes).i32Add().set(prevDc);
        code.get(p.steps).ifElse(
          () => code.get(prevY).get(rowBytes).i32Add().set(cPrev),
          () => code.get(p.c0).set(cPrev),
        );
        code.get(p.act).get(cPrev).get(p.y).get(rowBytes).i32Add().get(p.dh).get(p.dc).get(p.dGates).get(p.dcPrevious);
        code.i32(1).get(p.hidden).call('lstmBackward');
        code.get(p.steps).ifElse(
          () => {
            // The predecessor's dh = its dY + dG·W_hh (accumulated by gemvBlock), dc = dY + f·dc.
            vectorRow(code, rowBytes, p.dh, prevDy);
            product(code, p, p.dGates, p.dh, 1, 4, 1);
            vectorRow(code, rowBytes, p.dc, prevDc, p.dcPrevious);
          },
          () => {
            product(code, p, p.dGates, p.dh0, 1, 4, 0);
            vectorRow(code, rowBytes, p.dc0, p.dcPrevious);
          },
        );
        code.addLocal(p.act, p.actStep).addLocal(p.y, p.yStep).addLocal(p.dy, p.dyStep).addLocal(p.dGates, p.dGatesStep);
      },
      () => code.get(p.steps),
    );
  });
}

/**
 * gruSequence(gates, recurrent, packed, h0, y, act, steps, hidden, gatesStep, yStep, actStep):
 * per step recurrent_t (b_hh or 0 on entry) += h_{t−1}·W_hhᵀ, then gruForward writes h_t and
 * r z n. gates and recurrent rows advance by gatesStep, y rows [h] by yStep.
 */
function gruSequence(): WasmFunction {
  const names = ['gates', 'recurrent', 'packed', 'h0', 'y', 'act', 'steps', 'hidden', 'gatesStep', 'yStep', 'actStep', ...PRODUCT] as const;
  return walkFunction('gruSequence', names, (code, p) => {
    const hPrev = code.local(I32);
    code.get(p.h0).set(hPrev);
    code.doWhile(
      () => {
        product(code, p, hPrev, p.recurrent, 3, 1, 1);
        code.get(p.gates).get(p.recurrent).get(hPrev).get(p.y).get(p.act).i32(1).get(p.hidden).call('gruForward');
        code.get(p.y).set(hPrev);
        code.addLocal(p.gates, p.gatesStep).addLocal(p.recurrent, p.gatesStep).addLocal(p.y, p.yStep).addLocal(p.act, p.actStep);
        code.get(p.steps).i32(1).i32Sub().set(p.steps);
      },
      () => code.get(p.steps),
    );
  });
}

/**
 * gruSequenceBackward(act, recurrent, y, h0, dy, dGates, dRecurrent, packed, dh, direct, dh0,
 * steps, hidden, gatesStep, yStep): pointers at the last step run forward, steps towards the
 * first (gate-wide rows by gatesStep: act, recurrent, dGates, dRecurrent; H-wide by yStep: y, dy).
 * dh holds the last step's dY on entry. dh_{t−1} = dY_{t−1} + z·dh + dgh·W_hh.
 */
function gruSequenceBackward(): WasmFunction {
  const names = [
    'act',
    'recurrent',
    'y',
    'h0',
    'dy',
    'dGates',
    'dRecurrent',
    'packed',
    'dh',
    'direct',
    'dh0',
    'steps',
    'hidden',
    'gatesStep',
    'yStep',
    ...PRODUCT,
  ] as const;
  return walkFunction('gruSequenceBackward', names, (code, p) => {
    const [rowBytes, hPrev, prevDy] = [code.local(I32), code.local(I32), code.local(I32)];
    code.get(p.hidden).i32(4).i32Mul().set(rowBytes);
    code.doWhile(
      () => {
        code.get(p.steps).i32(1).i32Sub().set(p.steps);
        code.get(p.dy).get(p.yStep).i32Add().set(prevDy);
        code.get(p.steps).ifElse(
          () => code.get(p.y).get(p.yStep).i32Add().set(hPrev),
          () => code.get(p.h0).set(hPrev),
        );
        code.get(p.act).get(p.recurrent).get(hPrev).get(p.dh).get(p.dGates).get(p.dRecurrent).get(p.direct);
        code.i32(1).get(p.hidden).call('gruBackward');
        code.get(p.steps).ifElse(
          () => {
            vectorRow(code, rowBytes, p.dh, prevDy, p.direct);
            product(code, p, p.dRecurrent, p.dh, 1, 3, 1);
          },
          () => {
            vectorRow(code, rowBytes, p.dh0, p.direct);
            product(code, p, p.dRecurrent, p.dh0, 1, 3, 1);
          },
        );
        for (const pointer of [p.act, p.recurrent, p.dGates, p.dRecurrent]) code.addLocal(pointer, p.gatesStep);
        code.addLocal(p.y, p.yStep).addLocal(p.dy, p.yStep);
      },
      () => code.get(p.steps),
    );
  });
}

export function sequenceFunctions(): WasmFunction[] {
  return [gemvProduct(), lstmSequence(), lstmSequenceBackward(), gruSequence(), gruSequenceBackward()];
}
