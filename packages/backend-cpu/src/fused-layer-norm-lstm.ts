// The fused layer-norm LSTM step (FusedKernels.layerNormLstmCell and its backward) over strided
// float32 views: one pass per row instead of the ~80 elementwise and reduce kernels of the
// composed step. B batch, H hidden, W = 4H gate columns (i f g o); LN(v) = (v − μ)·r with
// r = 1/√(σ² + ε) per row; `saved` per row: σi σf tanh g σo (4H), LN(s) (H), μ_h, r_h, r_c.

import { ShapeError, fmtShape, type FusedKernels, type LayerNormLstmNorms, type View } from '@recur/backend';
import { expectDType, viewArray, type KernelContext } from './check.js';
import type { CpuBuffer } from './memory.js';

type Cpu = View<CpuBuffer>;

/** A strided 2-D (or, with rows 1, 1-D) float32 view as data, offset and strides. */
interface Strided {
  readonly data: Float32Array;
  readonly offset: number;
  readonly row: number;
  readonly col: number;
}

function strided(context: KernelContext, op: string, name: string, view: Cpu, shape: readonly number[]): Strided {
  expectDType(op, name, view.dtype, ['float32']);
  if (view.shape.length !== shape.length || view.shape.some((d, k) => d !== shape[k])) {
    throw new ShapeError(`${op}: ${name} must be ${fmtShape(shape)}; got ${fmtShape(view.shape)}`);
  }
  const data = viewArray(context, op, name, view) as Float32Array;
  const oneD = shape.length === 1;
  return { data, offset: view.offset, row: oneD ? 0 : view.strides[0]!, col: oneD ? view.strides[0]! : view.strides[1]! };
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const at = (m: Strided, b: number, j: number): number => m.offset + b * m.row + j * m.col;

function sizes(op: string, gates: Cpu): { batch: number; hidden: number } {
  if (gates.shape.length !== 2 || gates.shape[1]! % 4 !== 0 || gates.shape[1] === 0) {
    throw new ShapeError(`${op}: gates must be [batch, 4·hidden]; got ${fmtShape(gates.shape)}`);
  }
  return { batch: gates.shape[0]!, hidden: gates.shape[1]! / 4 };
}

function normsOf(context: KernelContext, op: string, norms: LayerNormLstmNorms<CpuBuffer>, hidden: number) {
  return {
    gammaH: strided(context, op, 'gammaH', norms.gammaH, [4 * hidden]),
    betaH: strided(context, op, 'betaH', norms.betaH, [4 * hidden]),
    gammaC: strided(context, op, 'gammaC', norms.gammaC, [hidden]),
    betaC: strided(context, op, 'betaC', norms.betaC, [hidden]),
  };
}

/** Per-call scratch rows (float64), reused across calls: nothing is allocated per step. */
let scratch = new Float64Array(0);
function rowScratch(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(size);
  return scratch;
}

/** Mean and 1/√(σ² + ε) of `width` values read by `value(j)`. */
function moments(width: number, value: (j: number) => number, eps: number): [number, number] {
  let sum = 0;
  for (let j = 0; j < width; j++) sum += value(j);
  const mean = sum / width;
  let squares = 0;
  for (let j = 0; j < width; j++) {
    const d = value(j) - mean;
    squares += d * d;
  }
  return [mean, 1 / Math.sqrt(squares / width + eps)];
}

type Kernels = Required<Pick<FusedKernels<CpuBuffer>, 'layerNormLstmCell' | 'layerNormLstmCellBackward'>>;

export function fusedLayerNormLstm(context: KernelContext): Kernels {
  return {
    layerNormLstmCell(gatesView, recurrentView, cView, normViews, eps, hView, cNextView, savedView) {
      const op = 'layerNormLstmCell';
      const { batch: B, hidden: H } = sizes(op, gatesView);
      const W = 4 * H;
      const gates = strided(context, op, 'gates', gatesView, [B, W]);
      const recurrent = strided(context, op, 'recurrent', recurrentView, [B, W]);
      const c = strided(context, op, 'c', cView, [B, H]);
      const h = strided(context, op, 'h', hView, [B, H]);
      const cNext = strided(context, op, 'cNext', cNextView, [B, H]);
      const saved = savedView ? strided(context, op, 'saved', savedView, [B, 5 * H + 3]) : null;
      const { gammaH, betaH, gammaC, betaC } = normsOf(context, op, normViews, H);
      const act = rowScratch(W + H);
      for (let b = 0; b < B; b++) {
        const [meanH, rstdH] = moments(W, (j) => recurrent.data[at(recurrent, b, j)]!, eps);
        for (let j = 0; j < W; j++) {
          const normalized = (recurrent.data[at(recurrent, b, j)]! - meanH) * rstdH;
          const pre = gates.data[at(gates, b, j)]! + normalized * gammaH.data[at(gammaH, 0, j)]! + betaH.data[at(betaH, 0, j)]!;
          act[j] = j >= 2 * H && j < 3 * H ? Math.tanh(pre) : sigmoid(pre);
        }
        // s = σf·c + σi·tanh g in act[W .. W + H).
        for (let j = 0; j < H; j++) act[W + j] = act[H + j]! * c.data[at(c, b, j)]! + act[j]! * act[2 * H + j]!;
        const [meanC, rstdC] = moments(H, (j) => act[W + j]!, eps);
        for (let j = 0; j < H; j++) {
          const cHat = (act[W + j]! - meanC) * rstdC;
          // Round c' to float32 before tanh, as the composed path stores it.
          const cn = Math.fround(cHat * gammaC.data[at(gammaC, 0, j)]! + betaC.data[at(betaC, 0, j)]!);
          cNext.data[at(cNext, b, j)] = cn;
          h.data[at(h, b, j)] = act[3 * H + j]! * Math.tanh(cn);
          if (saved) saved.data[at(saved, b, W + j)] = cHat;
        }
        if (saved) {
          for (let j = 0; j < W; j++) saved.data[at(saved, b, j)] = act[j]!;
          saved.data[at(saved, b, 5 * H)] = meanH;
          saved.data[at(saved, b, 5 * H + 1)] = rstdH;
          saved.data[at(saved, b, 5 * H + 2)] = rstdC;
        }
      }
    },

    layerNormLstmCellBackward(
      savedView,
      recurrentView,
      cView,
      cNextView,
      normViews,
      dhView,
      dcNextView,
      dGatesView,
      dRecurrentView,
      dcView,
      dNormViews,
    ) {
      const op = 'layerNormLstmCellBackward';
      const { batch: B, hidden: H } = sizes(op, dGatesView);
      const W = 4 * H;
      const saved = strided(context, op, 'saved', savedView, [B, 5 * H + 3]);
      const recurrent = strided(context, op, 'recurrent', recurrentView, [B, W]);
      const c = strided(context, op, 'c', cView, [B, H]);
      const cNext = strided(context, op, 'cNext', cNextView, [B, H]);
      const dh = strided(context, op, 'dh', dhView, [B, H]);
      const dcNext = strided(context, op, 'dcNext', dcNextView, [B, H]);
      const dGates = strided(context, op, 'dGates', dGatesView, [B, W]);
      const dRecurrent = strided(context, op, 'dRecurrent', dRecurrentView, [B, W]);
      const dc = strided(context, op, 'dc', dcView, [B, H]);
      const { gammaH, gammaC } = normsOf(context, op, normViews, H);
      const d = normsOf(context, op, dNormViews, H);
      // dc' (H), then d pre (W), both float64.
      const work = rowScratch(H + W);
      const s = (b: number, j: number) => saved.data[at(saved, b, j)]!;
      for (let b = 0; b < B; b++) {
        // Through h = σo·tanh(c'): d o_pre and the total dc'.
        for (let j = 0; j < H; j++) {
          const o = s(b, 3 * H + j);
          const tc = Math.tanh(cNext.data[at(cNext, b, j)]!);
          const gradH = dh.data[at(dh, b, j)]!;
          work[H + 3 * H + j] = gradH * tc * o * (1 - o);
          work[j] = dcNext.data[at(dcNext, b, j)]! + gradH * o * (1 - tc * tc);
        }
        // LN_c backward: ds = r_c·(g − mean(g) − ĉ·mean(g·ĉ)), g = dc'·γ_c.
        let m1 = 0;
        let m2 = 0;
        for (let j = 0; j < H; j++) {
          const cHat = s(b, W + j);
          const g = work[j]! * gammaC.data[at(gammaC, 0, j)]!;
          m1 += g;
          m2 += g * cHat;
          d.gammaC.data[at(d.gammaC, 0, j)]! += work[j]! * cHat;
          d.betaC.data[at(d.betaC, 0, j)]! += work[j]!;
        }
        m1 /= H;
        m2 /= H;
        const rstdC = s(b, 5 * H + 2);
        for (let j = 0; j < H; j++) {
          const cHat = s(b, W + j);
          const ds = rstdC * (work[j]! * gammaC.data[at(gammaC, 0, j)]! - m1 - cHat * m2);
          const [i, f, g] = [s(b, j), s(b, H + j), s(b, 2 * H + j)];
          dc.data[at(dc, b, j)] = ds * f;
          work[H + j] = ds * g * i * (1 - i);
          work[H + H + j] = ds * c.data[at(c, b, j)]! * f * (1 - f);
          work[H + 2 * H + j] = ds * i * (1 - g * g);
        }
        // d pre is d gates; LN_h backward gives d recurrent.
        const meanH = s(b, 5 * H);
        const rstdH = s(b, 5 * H + 1);
        m1 = 0;
        m2 = 0;
        for (let j = 0; j < W; j++) {
          const grad = work[H + j]!;
          dGates.data[at(dGates, b, j)] = grad;
          const xHat = (recurrent.data[at(recurrent, b, j)]! - meanH) * rstdH;
          const g = grad * gammaH.data[at(gammaH, 0, j)]!;
          m1 += g;
          m2 += g * xHat;
          d.gammaH.data[at(d.gammaH, 0, j)]! += grad * xHat;
          d.betaH.data[at(d.betaH, 0, j)]! += grad;
        }
        m1 /= W;
        m2 /= W;
        for (let j = 0; j < W; j++) {
          const xHat = (recurrent.data[at(recurrent, b, j)]! - meanH) * rstdH;
          dRecurrent.data[at(dRecurrent, b, j)] = rstdH * (work[H + j]! * gammaH.data[at(gammaH, 0, j)]! - m1 - xHat * m2);
        }
      }
    },
  };
}
