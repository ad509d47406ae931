// One time step of each recurrent cell, from the input projection gx = x·W_ihᵀ + b_ih:
// RNN h' = act(gx + h·W_hhᵀ + b_hh); LSTM gates i f g o; GRU gates r z n with the reset applied
// after W_hn·h (PyTorch). Fused backend kernels are used when present, composed ops otherwise.
// These are the cell kinds' composed steps (lstm-kind.ts, gru-kind.ts, elman-kind.ts) and the cells'.

import { add, chunk, matmul, mul, relu, sigmoid, sub, tanh, type Tensor } from '@recur/tensor';
import { fusedGruCell, fusedLstmCell, hasFused } from './fused-ops.js';

/** Switch for the testkit's fused ≡ composed proofs; users never need it. */
export const rnnSettings = { useFused: true };

/** Run fn with fused kernels disabled (the composed reference path). */
export function withoutFusedKernels<T>(fn: () => T): T {
  const previous = rnnSettings.useFused;
  rnnSettings.useFused = false;
  try {
    return fn();
  } finally {
    rnnSettings.useFused = previous;
  }
}

export type Nonlinearity = 'tanh' | 'relu';

/** h·W_hhᵀ (+ b_hh). */
function hiddenProjection(h: Tensor, weightHh: Tensor, biasHh: Tensor | null): Tensor {
  const projected = matmul(h, weightHh.T);
  return biasHh ? add(projected, biasHh) : projected;
}

export function rnnStep(gx: Tensor, h: Tensor, weightHh: Tensor, biasHh: Tensor | null, nonlinearity: Nonlinearity): Tensor {
  const pre = add(gx, hiddenProjection(h, weightHh, biasHh));
  return nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
}

export interface LstmState {
  readonly h: Tensor;
  readonly c: Tensor;
}

/** One LSTM step; with `weightHr` (projSize) h' = W_hr·(o·tanh c'). */
export function lstmStep(gx: Tensor, state: LstmState, weightHh: Tensor, biasHh: Tensor | null, weightHr: Tensor | null): LstmState {
  const gates = add(gx, hiddenProjection(state.h, weightHh, biasHh));
  let h: Tensor;
  let c: Tensor;
  if (rnnSettings.useFused && hasFused('lstm', gates)) {
    const hidden = state.c.shape[1]!;
    const packed = fusedLstmCell(gates, state.c);
    h = packed.narrow(1, 0, hidden);
    c = packed.narrow(1, hidden, hidden);
  } else {
    const [i, f, g, o] = chunk(gates, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    c = add(mul(sigmoid(f), state.c), mul(sigmoid(i), tanh(g)));
    h = mul(sigmoid(o), tanh(c));
  }
  return { h: weightHr ? matmul(h, weightHr.T) : h, c };
}

/** One GRU step: r, z = σ(gx + gh), n = tanh(gx_n + r·gh_n), h' = (1 - z)·n + z·h. */
export function gruStep(gx: Tensor, h: Tensor, weightHh: Tensor, biasHh: Tensor | null): Tensor {
  const gh = hiddenProjection(h, weightHh, biasHh);
  if (rnnSettings.useFused && hasFused('gru', gx)) return fusedGruCell(gx, gh, h);
  const [rx, zx, nx] = chunk(gx, 3, 1) as [Tensor, Tensor, Tensor];
  const [rh, zh, nh] = chunk(gh, 3, 1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(add(rx, rh));
  const z = sigmoid(add(zx, zh));
  const n = tanh(add(nx, mul(r, nh)));
  return add(n, mul(z, sub(h, n)));
}
