// LayerNormLSTM(Cell): the scan driver's step kernels ≡ the composed step in values and every
// gradient (γ/β of the three layer norms included), packed and padded, two layers; the cell is
// one step of the layer; state-dict names; typed errors for bad options, inputs and states.

import { describe, expect, it } from 'vitest';
import { PackedSequence, packPaddedSequence } from '@recur/sequence';
import { ShapeError, ValueError, backendOf, manualSeed, noGrad, randn, scope, zeros } from '@recur/tensor';
import type { BackendV1 } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { LayerNormLSTM, LayerNormLSTMCell } from './layer-norm-lstm.js';
import type { CellKind } from './cell-kind.js';
import { runDirection } from './scan-driver.js';
import { withoutFusedKernels } from './steps.js';

describe('LayerNormLSTM', () => {
  for (const packed of [false, true]) {
    it(`step kernels ≡ composed step, values and every gradient (${packed ? 'packed' : 'padded'}, 2 layers)`, () => {
      manualSeed(3);
      const lstm = new LayerNormLSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
      // Non-trivial γ/β so their gradients and uses are exercised.
      scope(() => lstm.loadStateDict(Object.fromEntries(Object.entries(lstm.stateDict()).map(([key, t]) => [key, randn(t.shape)]))));
      const [x, h0, c0, weights] = [randn([5, 3, 3]), randn([2, 3, 4]), randn([2, 3, 4]), randn([5, 3, 4])];
      const run = () =>
        scope(() => {
          lstm.zeroGrad();
          const input = x.detach().requireGrad();
          const [h, c] = [h0.detach().requireGrad(), c0.detach().requireGrad()];
          const data = packed ? packPaddedSequence(input, [5, 2, 4], { enforceSorted: false }) : input;
          const [out, [hN, cN]] = lstm.forward(data, [h, c]);
          const y = out instanceof PackedSequence ? out.data : out;
          const loss = (packed ? y.sum() : y.mul(weights).sum()).add(hN.mul(hN).sum()).add(cN.mul(cN).sum());
          loss.backward();
          return [y, hN, cN, input.grad!, h.grad!, c.grad!, ...lstm.parameters().map((p) => p.grad!)].map((t) => Array.from(t.dataSync()));
        });
      // The CPU backend has the fused pair, so `run()` takes it (no workspace) and the comparison means something.
      const cell = lstm.cells[1]!;
      const inUse = cell.kind.sequenceKernels(backendOf('test', x), cell.directionWeights);
      expect(inUse).not.toBeNull();
      expect(inUse!.workspace).toBeUndefined();
      const kernels = run();
      const composed = withoutFusedKernels(run);
      expect(kernels.length).toBe(composed.length);
      kernels.forEach((values, k) => values.forEach((v, i) => expect(v).toBeCloseTo(composed[k]![i]!, 4)));
      // Every parameter gradient is real, so each path of the backward is exercised.
      for (const g of kernels.slice(6)) expect(g.some((v) => Math.abs(v) > 1e-4)).toBe(true);
    });
  }

  it('one layer keeps the cell names; several are layers.k.…; batch-first and unbatched agree with seq-first', () => {
    manualSeed(4);
    const one = new LayerNormLSTM({ inputSize: 2, hiddenSize: 3, batchFirst: true });
    expect(Object.keys(one.stateDict()).sort()).toEqual([
      'layernorm_c.bias',
      'layernorm_c.weight',
      'layernorm_h.bias',
      'layernorm_h.weight',
      'layernorm_i.bias',
      'layernorm_i.weight',
      'weight_hh',
      'weight_ih',
    ]);
    const two = new LayerNormLSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2 });
    expect(Object.keys(two.stateDict())).toContain('layers.1.layernorm_c.weight');
    expect(two.stateDict()['layers.1.weight_ih']!.shape).toEqual([12, 3]);
    const x = randn([2, 4, 2]);
    const [yb, [hb]] = one.forward(x);
    const [yu, [hu]] = one.forward(x.select(0, 1));
    expect(yb.shape).toEqual([2, 4, 3]);
    const batchRow = yb.select(0, 1).dataSync();
    Array.from(yu.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(batchRow[i]!, 5));
    const lastH = hb.select(1, 1).dataSync();
    Array.from(hu.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(lastH[i]!, 5));
  });

  it('on a backend without the fused pair, the ordinary-kernel steps ≡ the composed step (values and gradients)', async () => {
    manualSeed(8);
    const cell = new LayerNormLSTMCell({ inputSize: 3, hiddenSize: 2 });
    cell.loadStateDict(Object.fromEntries(Object.entries(cell.stateDict()).map(([key, t]) => [key, randn(t.shape)])));
    // The CPU kernels minus the fused cells, with the cell and every operand on it (the kind makes
    // its constants on the backend it is given, so they must be the operands' backend).
    const bare: BackendV1 = Object.create(createCpuBackend(), { fused: { value: undefined } }) as BackendV1;
    await cell.to(bare);
    const kind: CellKind = cell.kind;
    const onBare = (shape: number[]) => randn(shape).to(bare);
    const [x, h0, c0, weights] = [await onBare([12, 3]), await onBare([3, 2]), await onBare([3, 2]), await onBare([12, 2])];
    // Lengths 4, 4, 3 as packed rows: batch sizes 3, 3, 3, 2.
    const batchSizes = new Int32Array([3, 3, 3, 2]);
    const data = x.narrow(0, 0, 11);
    expect(kind.sequenceKernels(backendOf('test', x), cell.directionWeights)!.workspace).toBe(true);
    const run = () =>
      scope(() => {
        cell.zeroGrad();
        const [input, h, c] = [data.detach().requireGrad(), h0.detach().requireGrad(), c0.detach().requireGrad()];
        const result = runDirection(kind, cell.directionWeights, input, batchSizes, { h, c }, false);
        result.output
          .mul(weights.narrow(0, 0, 11))
          .sum()
          .add(result.last.h.sum())
          .add(result.last.c!.mul(result.last.c!).sum())
          .backward();
        return [result.output, result.last.h, result.last.c!, input.grad!, h.grad!, c.grad!, ...cell.parameters().map((p) => p.grad!)].map(
          (t) => Array.from(t.dataSync()),
        );
      });
    const ordinary = run();
    const composed = withoutFusedKernels(run);
    ordinary.forEach((values, k) => values.forEach((v, i) => expect(v).toBeCloseTo(composed[k]![i]!, 4)));
    for (const g of ordinary.slice(6)) expect(g.some((v) => Math.abs(v) > 1e-4)).toBe(true);
    // Without a tape the ordinary kernels work in their workspace: the same values.
    const plain = noGrad(() =>
      scope(() => Array.from(runDirection(kind, cell.directionWeights, data, batchSizes, { h: h0, c: c0 }, false).output.dataSync())),
    );
    plain.forEach((v, i) => expect(v).toBeCloseTo(ordinary[0]![i]!, 5));
  });

  it('without a tape the step kernels run in their workspace and give the same values', () => {
    manualSeed(6);
    const lstm = new LayerNormLSTM({ inputSize: 2, hiddenSize: 3 });
    const x = randn([4, 2, 2]).requireGrad();
    const [recorded] = lstm.forward(x);
    const [plain] = noGrad(() => lstm.forward(x));
    expect(plain.requiresGrad).toBe(false);
    const expected = recorded.dataSync();
    Array.from(plain.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('the cell is one step of the layer', () => {
    manualSeed(5);
    const lstm = new LayerNormLSTM({ inputSize: 2, hiddenSize: 3 });
    const cell = lstm.cells[0]!;
    const [x, h0, c0] = [randn([1, 2, 2]), randn([1, 2, 3]), randn([1, 2, 3])];
    const [, [hN, cN]] = lstm.forward(x, [h0, c0]);
    const [h, c] = cell.forward(x.select(0, 0), [h0.select(0, 0), c0.select(0, 0)]);
    Array.from(h.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(hN.dataSync()[i]!, 5));
    Array.from(c.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(cN.dataSync()[i]!, 5));
  });

  it('typed errors for bad options, inputs and states', () => {
    expect(() => new LayerNormLSTM({ inputSize: 2, hiddenSize: 3, bias: false } as never)).toThrow(ValueError);
    expect(() => new LayerNormLSTM({ inputSize: 2, hiddenSize: 3, bias: false } as never)).toThrow(/unknown option 'bias'/);
    expect(() => new LayerNormLSTM({ inputSize: 2, hiddenSize: 0 })).toThrow(/hiddenSize must be an integer ≥ 1/);
    expect(() => new LayerNormLSTM({ inputSize: 2, hiddenSize: 3, layerNormEps: -1 })).toThrow(/layerNormEps/);
    expect(() => new LayerNormLSTMCell({ inputSize: 2, hiddenSize: 3, numLayers: 2 } as never)).toThrow(ValueError);
    const lstm = new LayerNormLSTM({ inputSize: 2, hiddenSize: 3 });
    expect(() => lstm.forward(zeros([4, 2, 5]))).toThrow(ShapeError);
    expect(() => lstm.forward(zeros([4, 2, 2]), [zeros([1, 2, 3]), zeros([2, 2, 3])])).toThrow(
      /expected c0 of shape \[1,2,3\]; got \[2,2,3\]/,
    );
    expect(() => lstm.forward(zeros([4, 2, 2]), zeros([1, 2, 3]) as never)).toThrow(ValueError);
    const cell = new LayerNormLSTMCell({ inputSize: 2, hiddenSize: 3 });
    expect(() => cell.forward(zeros([2, 3]))).toThrow(/expected input \[batch, 2\]/);
    expect(() => cell.forward(zeros([2, 2]), [zeros([2, 3]), zeros([1, 3])])).toThrow(ShapeError);
  });
});
