// recurrentWeights: 'float16' on Node + SwiftShader (whole-sequence kernels forced on): the
// kernels see W_hh rounded to binary16 (exact values exactly, others within one binary16 step,
// beyond ±65504 as ±∞), equal the float32 path bitwise when W_hh is exact in binary16 and within
// the bound derived below otherwise (forward and backward, LSTM/GRU/RNN, even and odd H), convert
// again after an optimizer step writes W_hh and not otherwise, and free the copy with the weight.
// T steps, B batch, I input, H hidden, G gate blocks.

import { GRU, LSTM, RNN, type Module } from '@recur/cells';
import { SGD } from '@recur/optim';
import { noGrad, registerBackend, scope, tensor, useBackend, type Tensor } from '@recur/tensor';
import { beforeAll, expect, it } from 'vitest';
import type { WebGPUBackend } from './backend.js';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

const T = 10;
const B = 3;
const I = 4;

/**
 * The tolerance. WGSL's pack2x16float may round to either neighbour, so each weight moves by at
 * most ε = 2^-10 of itself (2^-11 when rounding to nearest; binary16 keeps 11 significant bits).
 * In one step that moves a pre-activation Σ_q W_gq·h_q by at most ε·‖W_g‖₁ (|h| ≤ 1: tanh-bounded
 * states), and no gate or state update amplifies it (σ' ≤ ¼, tanh' ≤ 1, |gates| ≤ 1); summed
 * over T steps, values differ by at most T·ε·max_g‖W_g‖₁. Gradients carry the same relative
 * perturbation on top of their size: T·ε·max_g‖W_g‖₁·max(1, max|gradient|).
 */
const EPSILON = 2 ** -10;

type Layer = 'LSTM' | 'GRU' | 'RNN';
const GATES: Record<Layer, number> = { LSTM: 4, GRU: 3, RNN: 1 };

function build(layer: Layer, hidden: number): Module & { forward(x: Tensor): [Tensor, unknown] } {
  const options = { inputSize: I, hiddenSize: hidden };
  if (layer === 'LSTM') return new LSTM(options) as never;
  if (layer === 'GRU') return new GRU(options) as never;
  return new RNN(options) as never;
}

/** Seeded uniform numbers in [-scale, scale) (mulberry32), so every backend gets the same data. */
function uniform(count: number, seed: number, scale: number): Float32Array<ArrayBuffer> {
  let a = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 2 * scale;
  });
}

interface Weights {
  readonly ih: Float32Array<ArrayBuffer>;
  readonly hh: Float32Array<ArrayBuffer>;
  readonly bias: Float32Array<ArrayBuffer>;
}

/** PyTorch's init range U(-1/√H, 1/√H); `exact` rounds W_hh to multiples of 2^-12 (exact in binary16 below 0.5). */
function weights(layer: Layer, hidden: number, exact: boolean): Weights {
  const width = GATES[layer] * hidden;
  const scale = 1 / Math.sqrt(hidden);
  const hh = uniform(width * hidden, 11, scale);
  if (exact) hh.forEach((w, k) => (hh[k] = Math.round(w * 4096) / 4096));
  return { ih: uniform(width * I, 12, scale), hh, bias: uniform(width, 13, scale) };
}

interface Run {
  readonly values: Float32Array[];
  readonly grads: Float32Array[];
}

/** A layer on the active backend holding `w`. */
function loaded(layer: Layer, hidden: number, w: Weights): Module & { forward(x: Tensor): [Tensor, unknown] } {
  const module = build(layer, hidden);
  const width = GATES[layer] * hidden;
  noGrad(() => {
    const dict: Record<string, Tensor> = {
      weight_ih_l0: tensor(w.ih, { shape: [width, I] }),
      weight_hh_l0: tensor(w.hh, { shape: [width, hidden] }),
      bias_ih_l0: tensor(w.bias),
      bias_hh_l0: tensor(w.bias),
    };
    module.loadStateDict(dict);
    for (const t of Object.values(dict)) t.dispose();
  });
  return module;
}

/** Output, h_n and the gradients of Σ y·probe with respect to x, W_ih, W_hh and the biases, on `name`. */
async function run(name: string, layer: Layer, hidden: number, w: Weights): Promise<Run> {
  await useBackend(name);
  const module = loaded(layer, hidden, w);
  const x = tensor(uniform(T * B * I, 14, 1), { shape: [T, B, I], requiresGrad: true });
  const probe = tensor(uniform(T * B * hidden, 15, 1), { shape: [T, B, hidden] });
  const [y, state] = module.forward(x);
  const h = Array.isArray(state) ? (state[0] as Tensor) : (state as Tensor);
  const loss = scope(() => y.mul(probe).sum());
  loss.backward();
  loss.dispose();
  const params = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'].map(
    (key) => module.namedParameters().find(([k]) => k === key)![1],
  );
  const result = {
    values: (await Promise.all([y.data(), h.data()])) as Float32Array[],
    grads: (await Promise.all([x.grad!.data(), ...params.map((p) => p.grad!.data())])) as Float32Array[],
  };
  for (const t of [x, probe, y, h]) t.dispose();
  module.zeroGrad();
  module.dispose();
  return result;
}

/**
 * On `name`: an LSTM's inference forward (dispatches counted), the same again, one SGD step
 * (lr 1) on Σ y·probe, the forward once more; and the buffers disposing the layer frees (counted
 * around the synchronous dispose, so no finalizer of earlier garbage runs in between).
 */
async function trainingTrace(name: string, w: Weights) {
  const backend = (await useBackend(name)) as WebGPUBackend;
  const module = loaded('LSTM', 8, w);
  const x = tensor(uniform(T * B * I, 14, 1), { shape: [T, B, I] });
  const probe = tensor(uniform(T * B * 8, 15, 1), { shape: [T, B, 8] });
  const forward = async () => {
    const before = backend.stats().dispatches;
    const y = noGrad(() => module.forward(x)[0]);
    const count = backend.stats().dispatches - before;
    const data = (await y.data()) as Float32Array;
    y.dispose();
    return { count, data };
  };
  const first = await forward();
  const again = await forward();
  const optimizer = new SGD(module.parameters(), { lr: 1 });
  scope(() => {
    module.forward(x)[0].mul(probe).sum().backward();
    optimizer.step();
    optimizer.zeroGrad();
  });
  const after = await forward();
  const stepped = (await module
    .namedParameters()
    .find(([key]) => key === 'weight_hh_l0')![1]
    .data()) as Float32Array;
  for (const t of [x, probe]) t.dispose();
  const live = backend.memory().numBuffers;
  module.dispose();
  return { first, again, after, stepped, freed: live - backend.memory().numBuffers };
}

/** max_g ‖W_g‖₁: the largest row sum of |W_hh|. */
function largestRowSum(hh: Float32Array, hidden: number): number {
  let largest = 0;
  for (let row = 0; row < hh.length / hidden; row++) {
    let sum = 0;
    for (let q = 0; q < hidden; q++) sum += Math.abs(hh[row * hidden + q]!);
    largest = Math.max(largest, sum);
  }
  return largest;
}

/** Whether `v` is a finite binary16 value: 11 significant bits, subnormals in steps of 2^-24, |v| ≤ 65504. */
function isBinary16(v: number): boolean {
  if (!(Math.abs(v) <= 65504)) return false;
  const step = Math.abs(v) < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(Math.abs(v))) - 10);
  return Number.isInteger(v / step);
}

/** The binary16 step at w (the gap to the next value away from zero). */
const step16 = (w: number): number => (Math.abs(w) < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(Math.abs(w))) - 10));

const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k]!)), 0);

describeGpu('webgpu half-float recurrent weights', () => {
  beforeAll(() => {
    registerBackend(() => createTestBackend({ wholeSequence: true }), { name: 'webgpu-f32' });
    registerBackend(() => createTestBackend({ wholeSequence: true, recurrentWeights: 'float16' }), { name: 'webgpu-f16' });
  });

  it('shows the kernel W_hh rounded to binary16: exact values kept, others within one step, beyond ±65504 as ±∞, NaN kept', async () => {
    // One GRU step from h0 = I: its recurrent output gh[q, j] = Σ_q' h0[q, q']·W[j, q'] is W[j, q] as the kernel read it.
    const backend = (await useBackend('webgpu-f16')) as WebGPUBackend;
    const H = 8;
    const rows = [
      [1, -2, 0.5, 2 ** -14, 65504, 0, -0.25, 2 ** -20],
      [0.1, 1 / 3, -Math.PI, 1e-3, 1234.567, -7.77, 0.3, 3e-6],
      [0.5, 0.5, 1e5, 0.5, 0.5, 0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5, 0.5, 0.5, -1e5, 0.5, 0.5],
      [0.5, 0.5, 0.5, NaN, 0.5, 0.5, 0.5, 0.5],
      ...Array.from({ length: 3 * H - 5 }, () => Array.from({ length: H }, () => 0.25)),
    ];
    const view = (data: Float32Array<ArrayBuffer>, shape: [number, number]) => {
      const buffer = backend.alloc(data.length, 'float32');
      backend.write(buffer, data);
      return { buffer, dtype: 'float32' as const, shape, strides: [shape[1], 1], offset: 0 };
    };
    const identity = Float32Array.from({ length: H * H }, (_, k) => (k % (H + 1) === 0 ? 1 : 0));
    const recurrent = view(new Float32Array(3 * H * H), [H, 3 * H]);
    const ran = backend.fused!.recurrentSequence!({
      cell: 'gru',
      batchSizes: new Int32Array([H]),
      reverse: false,
      gates: view(new Float32Array(3 * H * H), [H, 3 * H]),
      initial: [view(identity, [H, H])],
      weightHh: view(Float32Array.from(rows.flat()), [3 * H, H]),
      biasHh: null,
      states: [view(new Float32Array(H * H), [H, H])],
      recurrent,
      activations: null,
    });
    expect(ran).toBe(true);
    const gh = (await backend.read(recurrent.buffer)) as Float32Array;
    const seen = (j: number, q: number) => gh[q * 3 * H + j]!;
    rows[0]!.forEach((w, q) => expect(seen(0, q)).toBe(Math.fround(w)));
    rows[1]!.forEach((w, q) => {
      const v = seen(1, q);
      expect(isBinary16(v)).toBe(true);
      expect(v).not.toBe(Math.fround(w));
      expect(Math.abs(v - w)).toBeLessThanOrEqual(step16(w));
    });
    expect([seen(2, 2), seen(3, 5)]).toEqual([Infinity, -Infinity]);
    expect(seen(4, 3)).toBeNaN();
  });

  it('converts W_hh again after an optimizer step writes it, not on a repeated forward, and frees the copy with the weight', async () => {
    const w = weights('LSTM', 8, false);
    const single = await trainingTrace('webgpu-f32', w);
    const half = await trainingTrace('webgpu-f16', w);
    // The copy is made on the first forward (one conversion dispatch more), reused by the second,
    // made again after the step wrote W_hh.
    expect(single.again.count).toBe(single.first.count);
    expect(half.first.count).toBe(single.first.count + 1);
    expect(half.again.count).toBe(single.first.count);
    expect(half.again.data).toEqual(half.first.data);
    expect(half.after.count).toBe(single.first.count + 1);
    // After the step the half path follows the new weights: within the bound of the float32 path,
    // and farther than the bound from its own output before the step (a stale copy would fail).
    const bound = T * EPSILON * largestRowSum(single.stepped, 8);
    expect(largestRowSum(single.stepped, 8)).not.toBe(largestRowSum(w.hh, 8));
    expect(maxDiff(half.after.data, single.after.data)).toBeLessThanOrEqual(bound);
    expect(maxDiff(half.after.data, half.first.data)).toBeGreaterThan(bound);
    // Disposing the layer frees its parameters, and on the half path W_hh's copy with them.
    expect(single.freed).toBeGreaterThanOrEqual(4);
    expect(half.freed).toBe(single.freed + 1);
  });

  const cases = (['LSTM', 'GRU', 'RNN'] as const).flatMap((layer) => [8, 7].map((hidden) => [layer, hidden] as const));

  it.each(cases)('%s H%i: bitwise the float32 path when W_hh is exact in binary16', async (layer, hidden) => {
    const w = weights(layer, hidden, true);
    const [single, half] = [await run('webgpu-f32', layer, hidden, w), await run('webgpu-f16', layer, hidden, w)];
    [...single.values, ...single.grads].forEach((expected, k) => expect([...half.values, ...half.grads][k]).toEqual(expected));
  });

  it.each(cases)('%s H%i: within T·ε·max‖W_g‖₁ of the float32 path, forward and backward', async (layer, hidden) => {
    const w = weights(layer, hidden, false);
    const [single, half] = [await run('webgpu-f32', layer, hidden, w), await run('webgpu-f16', layer, hidden, w)];
    const bound = T * EPSILON * largestRowSum(w.hh, hidden);
    let moved = 0;
    single.values.forEach((expected, k) => {
      moved = Math.max(moved, maxDiff(half.values[k]!, expected));
      expect(maxDiff(half.values[k]!, expected)).toBeLessThanOrEqual(bound);
    });
    single.grads.forEach((expected, k) => {
      expect(maxDiff(half.grads[k]!, expected)).toBeLessThanOrEqual(bound * Math.max(1, maxAbs(expected)));
    });
    // The half path did run: rounding W_hh moved the output.
    expect(moved).toBeGreaterThan(0);
  });
});
