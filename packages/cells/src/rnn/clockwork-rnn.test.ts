// ClockworkRNN: step kernels ≡ composed step (values, every gradient), masked-out W_hh entries get
// gradient 0, an inactive module keeps its state exactly, and typed errors for bad options.

import { describe, expect, it } from 'vitest';
import { PackedSequence, packPaddedSequence } from '@recur/sequence';
import { ShapeError, ValueError, backendOf, manualSeed, randn, scope, zeros } from '@recur/tensor';
import { ClockworkRNN } from './clockwork-rnn.js';
import { withoutFusedKernels } from './steps.js';

describe('ClockworkRNN', () => {
  for (const packed of [false, true]) {
    it(`step kernels ≡ composed step, values and gradients (${packed ? 'packed' : 'padded'}, periods [1, 3, 3, 5])`, () => {
      manualSeed(9);
      const rnn = new ClockworkRNN({ inputSize: 3, moduleSize: 2, periods: [1, 3, 3, 5] });
      const [x, h0, weights] = [randn([7, 3, 3]), randn([1, 3, 8]), randn([7, 3, 8])];
      const run = () =>
        scope(() => {
          rnn.zeroGrad();
          const input = x.detach().requireGrad();
          const h = h0.detach().requireGrad();
          const data = packed ? packPaddedSequence(input, [7, 4, 6], { enforceSorted: false }) : input;
          const [out, hN] = rnn.forward(data, h);
          const y = out instanceof PackedSequence ? out.data : out;
          (packed ? y.sum() : y.mul(weights).sum()).add(hN.mul(hN).sum()).backward();
          return [y, hN, input.grad!, h.grad!, ...rnn.parameters().map((p) => p.grad!)].map((t) => Array.from(t.dataSync()));
        });
      expect(
        rnn.kind.sequenceKernels(backendOf('test', x), {
          weightIh: rnn.weightIh,
          weightHh: rnn.weightHh,
          biasIh: null,
          biasHh: null,
          weightHr: null,
        }),
      ).not.toBeNull();
      const kernels = run();
      const composed = withoutFusedKernels(run);
      kernels.forEach((values, k) => values.forEach((v, i) => expect(v).toBeCloseTo(composed[k]![i]!, 5)));
    });
  }

  it('masked-out W_hh entries get gradient 0; the rest do not; inactive modules hold their state', () => {
    manualSeed(10);
    const rnn = new ClockworkRNN({ inputSize: 2, hiddenSize: 6, periods: [1, 2, 4] });
    const x = randn([5, 2, 2]);
    const [y, hN] = rnn.forward(x);
    y.sum().add(hN.sum()).backward();
    const mask = rnn.mask().dataSync();
    const grad = rnn.weightHh.grad!.dataSync();
    // Module 0 (period 1) hears modules 0..2; module 2 (period 4) hears only itself.
    expect(Array.from(mask.slice(0, 6))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(mask.slice(30, 36))).toEqual([0, 0, 0, 0, 1, 1]);
    mask.forEach((m, i) => (m === 0 ? expect(grad[i]).toBe(0) : undefined));
    expect(Array.from(grad).some((g, i) => mask[i] === 1 && Math.abs(g) > 1e-5)).toBe(true);
    // Module 2 (units 4, 5) updates at t = 0 and 4 only: steps 1..3 repeat step 0.
    const values = y.dataSync();
    const at = (t: number, b: number, u: number) => values[(t * 2 + b) * 6 + u]!;
    for (const t of [1, 2, 3]) for (const u of [4, 5]) expect(at(t, 1, u)).toBe(at(0, 1, u));
    expect(at(4, 1, 4)).not.toBe(at(3, 1, 4));
    // Module 1 (units 2, 3) holds at odd steps.
    expect(at(3, 0, 2)).toBe(at(2, 0, 2));
  });

  it('typed errors for bad options and shapes', () => {
    expect(() => new ClockworkRNN({ inputSize: 2, hiddenSize: 6, periods: [1, 2, 4], numLayers: 2 } as never)).toThrow(
      /unknown option 'numLayers'/,
    );
    expect(() => new ClockworkRNN({ inputSize: 2, hiddenSize: 6, periods: [2, 1, 4] })).toThrow(/ascending/);
    expect(() => new ClockworkRNN({ inputSize: 2, hiddenSize: 6, periods: [1, 0, 4] })).toThrow(ValueError);
    expect(() => new ClockworkRNN({ inputSize: 2, hiddenSize: 6, periods: [] })).toThrow(/non-empty/);
    expect(() => new ClockworkRNN({ inputSize: 2, hiddenSize: 7, periods: [1, 2, 4] })).toThrow(/periods.length · moduleSize/);
    expect(() => new ClockworkRNN({ inputSize: 2, hiddenSize: 6, moduleSize: 3, periods: [1, 2, 4] })).toThrow(/moduleSize 3/);
    expect(() => new ClockworkRNN({ inputSize: 2, periods: [1, 2] } as never)).toThrow(/hiddenSize or moduleSize/);
    const rnn = new ClockworkRNN({ inputSize: 2, moduleSize: 1, periods: [1, 2] });
    expect(rnn.hiddenSize).toBe(2);
    expect(() => rnn.forward(zeros([3, 1, 4]))).toThrow(ShapeError);
    expect(() => rnn.forward(zeros([3, 1, 2]), zeros([1, 2, 2]))).toThrow(/expected h0 of shape \[1,1,2\]/);
  });
});
