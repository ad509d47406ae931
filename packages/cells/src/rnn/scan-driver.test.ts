// A new cell plugged into the scan driver without touching it: a "gain-hold" RNN whose step
// reads an extra parameter and the time step — h_t = γ ⊙ tanh(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh)
// at even t, h_t = h_{t-1} at odd t (a Clockwork-style hold). Its sequence kernels must equal its
// composed step in values and in every gradient (γ included), packed and reversed. H hidden.

import { describe, expect, it } from 'vitest';
import type { View } from '@recur/backend';
import { PackedSequence, packPaddedSequence } from '@recur/sequence';
import { add, manualSeed, matmul, mul, randn, scope, tanh, type Tensor } from '@recur/tensor';
import { Parameter } from '../parameter.js';
import type { CellKind } from './cell-kind.js';
import { RecurrentBase } from './layers.js';
import { withoutFusedKernels } from './steps.js';

/** [n, H] rows of the whole [H] vector (a stride-0 view repeats it). */
const repeated = (vector: View, like: View): View => ({ ...vector, shape: like.shape, strides: [0, vector.strides[0]!] });

let projections = 0;

function gainHoldKind(gain: Parameter): CellKind {
  return {
    name: 'GAIN_HOLD',
    gates: 1,
    states: 1,
    composedStep: (w) => (gx, state, t) => {
      if (t % 2 === 1) return state;
      const pre = add(add(gx, matmul(state.h, w.weightHh.T)), w.biasHh!);
      return { h: mul(gain, tanh(pre)), c: null };
    },
    sequenceKernels: (backend) => ({
      separateRecurrent: false,
      // u = tanh(pre), for dγ and tanh'.
      activations: 1,
      scratch: 3,
      directGrad: [true],
      parameters: [gain],
      // The kind's own input projection (here the default one, composed): one call per direction.
      project: (data, w) => {
        projections++;
        return add(matmul(data, w.weightIh.T), add(w.biasIh!, w.biasHh!));
      },
      forward: ({ t, gates, previous: [hPrevious], next: [h], activations, parameters: [g] }) => {
        if (t % 2 === 1) return backend.copy(hPrevious!, h!);
        // Without a backward to feed, the gate rows (the scan's own) hold u.
        const u = activations ?? gates;
        backend.unary('tanh', gates, u);
        backend.binary('mul', u, repeated(g!, h!), h!);
      },
      backward: ({
        t,
        activations,
        dNext: [dh],
        dGates,
        dPrevious: [direct],
        scratch: [s1, s2, s3],
        parameters: [g],
        dParameters: [dg],
      }) => {
        if (t % 2 === 1) {
          backend.copy(dh!, direct!);
          backend.fill(dGates, 0);
          return;
        }
        backend.fill(direct!, 0);
        const u = activations!;
        // dγ += Σ_rows dh·u
        backend.binary('mul', dh!, u, s1!);
        const row = { ...s2!, shape: [1, s2!.shape[1]!] };
        backend.reduce('sum', s1!, [0], row);
        const dgRow = { ...dg!, shape: [1, dg!.shape[0]!], strides: [dg!.shape[0]!, dg!.strides[0]!] };
        backend.binary('add', dgRow, row, dgRow);
        // d pre = dh·γ·(1 − u²) = dh·γ − (dh·γ·u)·u
        backend.binary('mul', dh!, repeated(g!, dh!), s1!);
        backend.binary('mul', s1!, u, s2!);
        backend.binary('mul', s2!, u, s3!);
        backend.binary('sub', s1!, s3!, dGates);
      },
    }),
  };
}

class GainHoldRNN extends RecurrentBase {
  readonly gain: Parameter;

  constructor(options: { inputSize: number; hiddenSize: number; numLayers?: number; bidirectional?: boolean }) {
    const gain = new Parameter(randn([options.hiddenSize]));
    super(gainHoldKind(gain), 'GainHoldRNN', options);
    this.gain = this.registerParameter('gain', gain)!;
  }

  forward<I extends Tensor | PackedSequence>(input: I, h0?: Tensor): [I, Tensor] {
    const r = this.run(input, h0, undefined);
    return [r.output as I, r.h];
  }
}

describe('scan driver: a cell kind plugged in from outside', () => {
  for (const packed of [false, true]) {
    it(`sequence kernels ≡ composed step, values and gradients (${packed ? 'packed' : 'padded'}, bidirectional, 2 layers)`, () => {
      manualSeed(11);
      const model = new GainHoldRNN({ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true });
      const x = randn([4, 3, 2]);
      const h0 = randn([4, 3, 3]);
      const weights = randn([4, 3, 6]);
      const run = () =>
        scope(() => {
          model.zeroGrad();
          const input = x.detach().requireGrad();
          const h = h0.detach().requireGrad();
          const data = packed ? packPaddedSequence(input, [4, 2, 3], { enforceSorted: false }) : input;
          const [out, hN] = model.forward(data, h);
          const y = out instanceof PackedSequence ? out.data : out;
          const loss = packed ? y.sum().add(hN.mul(hN).sum()) : y.mul(weights).sum().add(hN.mul(hN).sum());
          loss.backward();
          const grads = [input.grad!, h.grad!, ...model.parameters().map((p) => p.grad!)];
          return [y, hN, ...grads].map((t) => Array.from(t.dataSync()));
        });
      projections = 0;
      const fused = run();
      expect(projections).toBe(4);
      const composed = withoutFusedKernels(run);
      expect(fused.length).toBe(composed.length);
      fused.forEach((values, k) => values.forEach((v, i) => expect(v).toBeCloseTo(composed[k]![i]!, 5)));
      // The gain's gradient is real (not zero), so the dParameters path is exercised.
      expect(fused[fused.length - 1]!.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    });
  }
});
