// Fused LSTM and GRU cell kernels (forward and backward) over 2-D strided float32 views, so a
// recurrent step costs one pass over its gates instead of a dozen elementwise kernels.
// B batch, H hidden; LSTM gates i f g o, GRU gates r z n (PyTorch's row order); σ sigmoid.
// With a wasm runtime the arithmetic runs as SIMD (wasm-cells.ts); these loops are the fallback.

import { ShapeError, fmtShape, type FusedKernels, type View } from '@recur/backend';
import { expectDType, viewArray, type KernelContext } from './check.js';
import { residentOffset, type CpuBuffer } from './memory.js';
import { wasmGruCell, wasmGruCellBackward, wasmLstmCell, wasmLstmCellBackward } from './wasm-cells.js';

type Cpu = View<CpuBuffer>;

/** Element (b, j) of a 2-D view: data[offset + b·rowStride + j·colStride]. */
export interface Matrix {
  readonly data: Float32Array;
  readonly offset: number;
  readonly row: number;
  readonly col: number;
  /** The buffer, and the byte address of element (0, 0) when it lives in wasm memory (memory.ts). */
  readonly buffer?: CpuBuffer;
  readonly resident?: number | null;
}

function matrix(context: KernelContext, op: string, name: string, view: Cpu, rows: number, cols: number): Matrix {
  expectDType(op, name, view.dtype, ['float32']);
  if (view.shape.length !== 2 || view.shape[0] !== rows || view.shape[1] !== cols) {
    throw new ShapeError(`${op}: ${name} must be ${fmtShape([rows, cols])}; got ${fmtShape(view.shape)}`);
  }
  const data = viewArray(context, op, name, view) as Float32Array;
  const base = residentOffset(view.buffer);
  const resident = base === null ? null : base + view.offset * 4;
  return { data, offset: view.offset, row: view.strides[0]!, col: view.strides[1]!, buffer: view.buffer, resident };
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** Index of element (b, j). */
const at = (m: Matrix, b: number, j: number): number => m.offset + b * m.row + j * m.col;

function sizes(op: string, gates: Cpu, gateCount: number): { batch: number; hidden: number } {
  if (gates.shape.length !== 2 || gates.shape[1]! % gateCount !== 0) {
    throw new ShapeError(`${op}: gates must be [batch, ${gateCount}·hidden]; got ${fmtShape(gates.shape)}`);
  }
  return { batch: gates.shape[0]!, hidden: gates.shape[1]! / gateCount };
}

export function fusedCells(
  context: KernelContext,
): Required<
  Omit<
    FusedKernels<CpuBuffer>,
    | 'adamStep'
    | 'layerNormLstmCell'
    | 'layerNormLstmCellBackward'
    | 'recurrentSequence'
    | 'recurrentSequenceBackward'
    | 'layerNormLstmSequence'
    | 'layerNormLstmSequenceBackward'
  >
> {
  return {
    lstmCell(gatesView, cView, hView, cNextView, actView) {
      const op = 'lstmCell';
      const { batch: B, hidden: H } = sizes(op, gatesView, 4);
      const gates = matrix(context, op, 'gates', gatesView, B, 4 * H);
      const c = matrix(context, op, 'c', cView, B, H);
      const h = matrix(context, op, 'h', hView, B, H);
      const cNext = matrix(context, op, 'cNext', cNextView, B, H);
      const act = actView ? matrix(context, op, 'act', actView, B, 4 * H) : null;
      const runtime = context.wasm();
      if (runtime && wasmLstmCell(runtime, B, H, gates, c, h, cNext, act)) return;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const i = sigmoid(gates.data[at(gates, b, j)]!);
          const f = sigmoid(gates.data[at(gates, b, H + j)]!);
          const g = Math.tanh(gates.data[at(gates, b, 2 * H + j)]!);
          const o = sigmoid(gates.data[at(gates, b, 3 * H + j)]!);
          // Round c' to float32 before tanh so h matches the composed path exactly.
          const cn = Math.fround(f * c.data[at(c, b, j)]! + i * g);
          cNext.data[at(cNext, b, j)] = cn;
          h.data[at(h, b, j)] = o * Math.tanh(cn);
          if (act) {
            act.data[at(act, b, j)] = i;
            act.data[at(act, b, H + j)] = f;
            act.data[at(act, b, 2 * H + j)] = g;
            act.data[at(act, b, 3 * H + j)] = o;
          }
        }
      }
    },

    lstmCellBackward(actView, cView, cNextView, dhView, dcNextView, dGatesView, dcView) {
      const op = 'lstmCellBackward';
      const { batch: B, hidden: H } = sizes(op, actView, 4);
      const act = matrix(context, op, 'act', actView, B, 4 * H);
      const c = matrix(context, op, 'c', cView, B, H);
      const cNext = matrix(context, op, 'cNext', cNextView, B, H);
      const dh = matrix(context, op, 'dh', dhView, B, H);
      const dcNext = matrix(context, op, 'dcNext', dcNextView, B, H);
      const dGates = matrix(context, op, 'dGates', dGatesView, B, 4 * H);
      const dc = matrix(context, op, 'dc', dcView, B, H);
      const runtime = context.wasm();
      if (runtime && wasmLstmCellBackward(runtime, B, H, act, c, cNext, dh, dcNext, dGates, dc)) return;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const i = act.data[at(act, b, j)]!;
          const f = act.data[at(act, b, H + j)]!;
          const g = act.data[at(act, b, 2 * H + j)]!;
          const o = act.data[at(act, b, 3 * H + j)]!;
          const tc = Math.tanh(cNext.data[at(cNext, b, j)]!);
          const dhv = dh.data[at(dh, b, j)]!;
          // dL/dc' sums the direct path and the path through h = o·tanh(c').
          const dcTotal = dcNext.data[at(dcNext, b, j)]! + dhv * o * (1 - tc * tc);
          dGates.data[at(dGates, b, j)] = dcTotal * g * i * (1 - i);
          dGates.data[at(dGates, b, H + j)] = dcTotal * c.data[at(c, b, j)]! * f * (1 - f);
          dGates.data[at(dGates, b, 2 * H + j)] = dcTotal * i * (1 - g * g);
          dGates.data[at(dGates, b, 3 * H + j)] = dhv * tc * o * (1 - o);
          dc.data[at(dc, b, j)] = dcTotal * f;
        }
      }
    },

    gruCell(gxView, ghView, hView, hNextView, actView) {
      const op = 'gruCell';
      const { batch: B, hidden: H } = sizes(op, gxView, 3);
      const gx = matrix(context, op, 'gx', gxView, B, 3 * H);
      const gh = matrix(context, op, 'gh', ghView, B, 3 * H);
      const h = matrix(context, op, 'h', hView, B, H);
      const hNext = matrix(context, op, 'hNext', hNextView, B, H);
      const act = actView ? matrix(context, op, 'act', actView, B, 3 * H) : null;
      const runtime = context.wasm();
      if (runtime && wasmGruCell(runtime, B, H, gx, gh, h, hNext, act)) return;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const r = sigmoid(gx.data[at(gx, b, j)]! + gh.data[at(gh, b, j)]!);
          const z = sigmoid(gx.data[at(gx, b, H + j)]! + gh.data[at(gh, b, H + j)]!);
          const n = Math.tanh(gx.data[at(gx, b, 2 * H + j)]! + r * gh.data[at(gh, b, 2 * H + j)]!);
          hNext.data[at(hNext, b, j)] = n + z * (h.data[at(h, b, j)]! - n);
          if (act) {
            act.data[at(act, b, j)] = r;
            act.data[at(act, b, H + j)] = z;
            act.data[at(act, b, 2 * H + j)] = n;
          }
        }
      }
    },

    gruCellBackward(actView, ghView, hView, dhNextView, dgxView, dghView, dhView) {
      const op = 'gruCellBackward';
      const { batch: B, hidden: H } = sizes(op, actView, 3);
      const act = matrix(context, op, 'act', actView, B, 3 * H);
      const gh = matrix(context, op, 'gh', ghView, B, 3 * H);
      const h = matrix(context, op, 'h', hView, B, H);
      const dhNext = matrix(context, op, 'dhNext', dhNextView, B, H);
      const dgx = matrix(context, op, 'dgx', dgxView, B, 3 * H);
      const dgh = matrix(context, op, 'dgh', dghView, B, 3 * H);
      const dh = matrix(context, op, 'dh', dhView, B, H);
      const runtime = context.wasm();
      if (runtime && wasmGruCellBackward(runtime, B, H, act, gh, h, dhNext, dgx, dgh, dh)) return;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const r = act.data[at(act, b, j)]!;
          const z = act.data[at(act, b, H + j)]!;
          const n = act.data[at(act, b, 2 * H + j)]!;
          const d = dhNext.data[at(dhNext, b, j)]!;
          const dnPre = d * (1 - z) * (1 - n * n);
          const dzPre = d * (h.data[at(h, b, j)]! - n) * z * (1 - z);
          const drPre = dnPre * gh.data[at(gh, b, 2 * H + j)]! * r * (1 - r);
          dgx.data[at(dgx, b, j)] = drPre;
          dgx.data[at(dgx, b, H + j)] = dzPre;
          dgx.data[at(dgx, b, 2 * H + j)] = dnPre;
          dgh.data[at(dgh, b, j)] = drPre;
          dgh.data[at(dgh, b, H + j)] = dzPre;
          dgh.data[at(dgh, b, 2 * H + j)] = dnPre * r;
          dh.data[at(dh, b, j)] = d * z;
        }
      }
    },
  };
}
