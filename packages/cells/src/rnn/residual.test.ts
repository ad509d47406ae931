// Residual stacks (`residual: true`) against their composed equivalent: single-layer modules
// stacked by hand, each layer's input added to its output from the second layer on. Values
// (output, h_n, c_n) and gradients (input, h0, every weight), padded and packed, uni- and
// bidirectional, for RNN, LSTM (also projected) and GRU; and the option's typed errors.
// T steps, B sequences, I inputs, H hidden, L layers, D directions.

import { describe, expect, it } from 'vitest';
import { PackedSequence, packPaddedSequence } from '@recur/sequence';
import { ValueError, add, concat, manualSeed, randn, scope, type Tensor } from '@recur/tensor';
import { GRU, LSTM, RNN } from './layers.js';

const T = 4;
const B = 3;
const I = 2;
const H = 3;
const L = 3;

type Layer = RNN | LSTM | GRU;
type Kind = 'RNN' | 'LSTM' | 'LSTM proj' | 'GRU';

function make(kind: Kind, options: { inputSize: number; numLayers: number; bidirectional: boolean; residual?: boolean }): Layer {
  const common = { ...options, hiddenSize: H };
  if (kind === 'RNN') return new RNN(common);
  if (kind === 'GRU') return new GRU(common);
  return new LSTM({ ...common, projSize: kind === 'LSTM proj' ? 2 : 0 });
}

/** Runs `layer` on (x, state); returns [output data, h_n, c_n | null]. */
function forward(layer: Layer, x: Tensor | PackedSequence, h0: Tensor, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
  const data = (out: Tensor | PackedSequence) => (out instanceof PackedSequence ? out.data : out);
  if (layer instanceof LSTM) {
    const [out, [h, c]] = layer.forward(x, [h0, c0!]);
    return [data(out), h, c];
  }
  const [out, h] = layer.forward(x, h0);
  return [data(out), h, null];
}

for (const kind of ['RNN', 'LSTM', 'LSTM proj', 'GRU'] as const) {
  for (const bidirectional of [false, true]) {
    for (const packed of [false, true]) {
      it(`${kind} ${bidirectional ? 'bi' : 'uni'} ${packed ? 'packed' : 'padded'}: residual stack ≡ layers added by hand`, () => {
        manualSeed(21);
        const stack = make(kind, { inputSize: I, numLayers: L, bidirectional, residual: true });
        const D = bidirectional ? 2 : 1;
        const out = stack.outputSize;
        // Single-layer copies of every layer, weights renamed _l{k} → _l0.
        const singles = Array.from({ length: L }, (_, k) => {
          const single = make(kind, { inputSize: k === 0 ? I : out * D, numLayers: 1, bidirectional });
          const dict: Record<string, Tensor> = {};
          for (const [name, value] of Object.entries(stack.stateDict())) {
            const match = /^(.*)_l(\d+)(_reverse)?$/.exec(name)!;
            if (Number(match[2]) === k) dict[`${match[1]}_l0${match[3] ?? ''}`] = value;
          }
          single.loadStateDict(dict);
          return single;
        });
        const x = randn([T, B, I]);
        const h0 = randn([L * D, B, out]);
        const c0 = kind.startsWith('LSTM') ? randn([L * D, B, H]) : null;
        const weights = randn([T, B, out * D]);
        const lengths = [4, 2, 3];
        const run = (composed: boolean) =>
          scope(() => {
            for (const m of [stack, ...singles]) m.zeroGrad();
            const input = x.detach().requireGrad();
            const h = h0.detach().requireGrad();
            const c = c0 ? c0.detach().requireGrad() : null;
            const wrap = (t: Tensor) => (packed ? packPaddedSequence(t, lengths, { enforceSorted: false }) : t);
            let y: Tensor;
            let hN: Tensor;
            let cN: Tensor | null;
            if (!composed) {
              [y, hN, cN] = forward(stack, wrap(input), h, c);
            } else {
              let current = wrap(input);
              const hs: Tensor[] = [];
              const cs: Tensor[] = [];
              singles.forEach((single, k) => {
                const rows = (t: Tensor) => t.narrow(0, k * D, D);
                const [data, hk, ck] = forward(single, current, rows(h), c ? rows(c) : null);
                const before = current instanceof PackedSequence ? current.data : current;
                const sum = k === 0 ? data : add(data, before);
                current = current instanceof PackedSequence ? current.withData(sum) : sum;
                hs.push(hk);
                if (ck) cs.push(ck);
              });
              y = current instanceof PackedSequence ? current.data : current;
              hN = concat(hs, 0);
              cN = cs.length === 0 ? null : concat(cs, 0);
            }
            const loss = (packed ? y.sum() : y.mul(weights).sum()).add(hN.mul(hN).sum()).add(cN ? cN.mul(cN).sum() : 0);
            loss.backward();
            const params = composed ? singles.flatMap((m) => m.parameters()) : stack.parameters();
            const grads = [input.grad!, h.grad!, ...(c ? [c.grad!] : []), ...params.map((p) => p.grad!)];
            return [y, hN, ...(cN ? [cN] : []), ...grads].map((t) => Array.from(t.dataSync()));
          });
        const fromStack = run(false);
        const byHand = run(true);
        expect(fromStack.length).toBe(byHand.length);
        fromStack.forEach((values, k) => {
          expect(values.length).toBe(byHand[k]!.length);
          values.forEach((v, i) => expect(v).toBeCloseTo(byHand[k]![i]!, 4));
        });
      });
    }
  }
}

describe('residual: the option', () => {
  it('changes the output only when on, and adds no parameters', () => {
    manualSeed(3);
    const plain = new GRU({ inputSize: I, hiddenSize: H, numLayers: 2 });
    const residual = new GRU({ inputSize: I, hiddenSize: H, numLayers: 2, residual: true });
    residual.loadStateDict(plain.stateDict());
    expect(Object.keys(residual.stateDict())).toEqual(Object.keys(plain.stateDict()));
    expect(residual.residual).toBe(true);
    expect(plain.residual).toBe(false);
    scope(() => {
      const x = randn([T, B, I]);
      const [a] = plain.forward(x);
      const [b] = residual.forward(x);
      expect(Array.from(a.sub(b).abs().max().dataSync())[0]).toBeGreaterThan(1e-4);
    });
  });

  it('is a typed error where it cannot apply or is not a boolean', () => {
    expect(() => new LSTM({ inputSize: I, hiddenSize: H, residual: true })).toThrow(ValueError);
    expect(() => new LSTM({ inputSize: I, hiddenSize: H, residual: true })).toThrow(/expected numLayers ≥ 2, got 1/);
    expect(() => new RNN({ inputSize: I, hiddenSize: H, numLayers: 2, residual: 'yes' as unknown as boolean })).toThrow(ValueError);
    expect(() => new RNN({ inputSize: I, hiddenSize: H, numLayers: 1, residual: false })).not.toThrow();
  });
});
