// The whole-sequence op against the per-step path it replaces (@recur/cells' sequence-scan.ts at
// batch 1: per step matmul accumulating h·W_hhᵀ, then the fused cell; backward in reverse), bit
// for bit in both directions, forward and backward; shapes it does not run are declined untouched.

import { describe, expect, it } from 'vitest';
import { ShapeError, contiguousStrides, mulberry32, type RecurrentSequenceCell, type View } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import type { CpuBuffer } from './memory.js';

type Cpu = View<CpuBuffer>;
const backend = createCpuBackend({ threads: 1 });
const fused = backend.fused!;
const random = mulberry32(11);

function tensor(shape: number[], values?: (i: number) => number): Cpu {
  const size = shape.reduce((a, b) => a * b, 1);
  const buffer = backend.alloc(size, 'float32');
  backend.write(
    buffer,
    Float32Array.from({ length: size }, (_, i) => (values ? values(i) : 2 * random() - 1)),
  );
  return { buffer, dtype: 'float32', shape, strides: contiguousStrides(shape), offset: 0 };
}
const zeros = (shape: number[]) => tensor(shape, () => 0);
const row = (v: Cpu, r: number): Cpu => ({ ...v, shape: [1, v.shape[1]!], offset: v.offset + r * v.strides[0]! });
const columns = (v: Cpu, start: number, width: number): Cpu => ({ ...v, shape: [v.shape[0]!, width], offset: v.offset + start });
const read = (v: Cpu) => Array.from(backend.readSync!(v.buffer) as Float32Array);
function copyOf(v: Cpu): Cpu {
  const copy = zeros([...v.shape]);
  backend.copy(v, copy);
  return copy;
}

interface Problem {
  cell: RecurrentSequenceCell;
  T: number;
  H: number;
  reverse: boolean;
}

/** Inputs, then the outputs of the whole-sequence op (`whole`) or of the per-step loop. */
function run({ cell, T, H, reverse }: Problem, whole: boolean) {
  const lstm = cell === 'lstm';
  const [G, S] = [lstm ? 4 : 3, lstm ? 2 : 1];
  const seed = mulberry32(T * 1000 + H + (reverse ? 7 : 0));
  const values = () => 2 * seed() - 1;
  const gates = tensor([T, G * H], values);
  const weightHh = tensor([G * H, H], () => 0.3 * values());
  const bias = lstm ? null : tensor([G * H], values);
  const initial = Array.from({ length: S }, () => tensor([1, H], values));
  const dY = tensor([T, S * H], values);
  const Y = zeros([T, S * H]);
  const act = zeros([T, G * H]);
  const recurrent = lstm ? null : zeros([T, G * H]);
  const dGates = zeros([T, G * H]);
  const dRecurrent = lstm ? null : zeros([T, G * H]);
  const dInitial = Array.from({ length: S }, () => zeros([1, H]));
  const states = initial.map((_, j) => columns(Y, j * H, H));
  const dStates = initial.map((_, j) => columns(dY, j * H, H));
  const batchSizes = new Int32Array(T).fill(1);
  const order = Array.from({ length: T }, (_, k) => (reverse ? T - 1 - k : k));
  const layout = { cell, batchSizes, reverse };
  const biasView = bias && { ...bias };
  if (whole) {
    const gatesIn = copyOf(gates);
    const forward = { ...layout, gates: gatesIn, initial, weightHh, biasHh: biasView, states, recurrent, activations: act };
    expect(fused.recurrentSequence!(forward)).toBe(true);
    const grad = { ...layout, initial, weightHh, states, recurrent, activations: act, dStates, dGates, dRecurrent, dInitial };
    expect(fused.recurrentSequenceBackward!(grad)).toBe(true);
  } else {
    const transposeB = { transposeB: true, accumulate: true };
    order.forEach((t, k) => {
      const previous = states.map((view, j) => (k === 0 ? initial[j]! : row(view, order[k - 1]!)));
      if (lstm) {
        backend.matmul(previous[0]!, weightHh, row(gates, t), transposeB);
        fused.lstmCell!(row(gates, t), previous[1]!, row(states[0]!, t), row(states[1]!, t), row(act, t));
      } else {
        backend.copy({ ...bias!, shape: [1, G * H], strides: [0, 1] }, row(recurrent!, t));
        backend.matmul(previous[0]!, weightHh, row(recurrent!, t), transposeB);
        fused.gruCell!(row(gates, t), row(recurrent!, t), previous[0]!, row(states[0]!, t), row(act, t));
      }
    });
    const carried = dStates.map((view) => copyOf(row(view, order[T - 1]!)));
    const direct = zeros([1, H]);
    for (let k = T - 1; k >= 0; k--) {
      const t = order[k]!;
      const previous = states.map((view, j) => (k === 0 ? initial[j]! : row(view, order[k - 1]!)));
      if (lstm) fused.lstmCellBackward!(row(act, t), previous[1]!, row(states[1]!, t), carried[0]!, carried[1]!, row(dGates, t), direct);
      else fused.gruCellBackward!(row(act, t), row(recurrent!, t), previous[0]!, carried[0]!, row(dGates, t), row(dRecurrent!, t), direct);
      const dg = row(dRecurrent ?? dGates, t);
      if (k === 0) {
        if (lstm) backend.copy(direct, dInitial[1]!);
        else backend.copy(direct, dInitial[0]!);
        backend.matmul(dg, weightHh, dInitial[0]!, { accumulate: !lstm });
      } else {
        const p = order[k - 1]!;
        if (lstm) {
          backend.copy(row(dStates[0]!, p), carried[0]!);
          backend.binary('add', row(dStates[1]!, p), direct, carried[1]!);
        } else {
          backend.binary('add', row(dStates[0]!, p), direct, carried[0]!);
        }
        backend.matmul(dg, weightHh, carried[0]!, { accumulate: true });
      }
    }
  }
  return [Y, act, recurrent, dGates, dRecurrent, ...dInitial].map((v) => (v ? read(v) : null));
}

describe('recurrentSequence (CPU, whole-sequence wasm walk)', () => {
  // H 32: one k block and one column block both ways; 136: k split in the backward (K = G·H > 384),
  // two column blocks for the LSTM; 400: k split in the forward too, four column blocks.
  const sizes: [number, number][] = [
    [9, 32],
    [3, 136],
    [2, 400],
  ];
  for (const cell of ['lstm', 'gru'] as const) {
    for (const reverse of [false, true]) {
      it.each(sizes)(
        `${cell}${reverse ? ' reverse' : ''} T %i H %i: outputs, activations and gradients equal the per-step path bit for bit`,
        (T, H) => {
          const problem = { cell, T, H, reverse };
          const whole = run(problem, true);
          const steps = run(problem, false);
          whole.forEach((values, k) => expect(values).toEqual(steps[k]));
          // Something moved: the walk wrote states and gradients.
          expect(whole[0]!.some((v) => v !== 0)).toBe(true);
          expect(whole.at(-1)!.some((v) => v !== 0)).toBe(true);
        },
      );
    }
  }

  it('declines shapes it does not walk (batch 2, H not a multiple of 8, products matmul would not run on the one-thread GEMV) and writes nothing', () => {
    for (const [batchSizes, H] of [
      [[2, 2], 32],
      [[1, 1], 12],
      [[1, 1], 8],
      [[1], 1288],
    ] as const) {
      const N = batchSizes.reduce((a, b) => a + b, 0);
      const Y = zeros([N, 2 * H]);
      const taken = fused.recurrentSequence!({
        cell: 'lstm',
        batchSizes: Int32Array.from(batchSizes),
        reverse: false,
        gates: tensor([N, 4 * H]),
        initial: [tensor([batchSizes[0], H]), tensor([batchSizes[0], H])],
        weightHh: tensor([4 * H, H]),
        biasHh: null,
        states: [columns(Y, 0, H), columns(Y, H, H)],
        recurrent: null,
        activations: null,
      });
      expect(taken).toBe(false);
      expect(read(Y).every((v) => v === 0)).toBe(true);
    }
  });

  it('rejects a W_hh whose rows are not 4·H with a ShapeError', () => {
    const Y = zeros([2, 64]);
    expect(() =>
      fused.recurrentSequence!({
        cell: 'lstm',
        batchSizes: Int32Array.from([1, 1]),
        reverse: false,
        gates: tensor([2, 128]),
        initial: [tensor([1, 32]), tensor([1, 32])],
        weightHh: tensor([96, 32]),
        biasHh: null,
        states: [columns(Y, 0, 32), columns(Y, 32, 32)],
        recurrent: null,
        activations: null,
      }),
    ).toThrow(ShapeError);
  });
});
