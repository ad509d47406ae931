// Fused ≡ composed for the layer-norm LSTM (a backend's layerNormLstmSequence walk or per-step
// pair against the composed ops): cases over padded and packed input, initial states, both
// directions, 2 layers and batch 9 of hidden 33; the caller adds its backend's own checks.
// Tolerance: the fixtures' float32 one, 1e-5 relative + 1e-6·max(1, max|composed|) per tensor.
// describeFusedConformance's flat 1e-6 absolute is beyond float32 here: LN backward (1/σ up to
// 1/√ε) and the sums of dW over every row leave near-zero elements with errors of ~1e-5, and two
// composed paths (WebGPU's and the CPU's), or the CPU's float64 fused step and its composed path,
// already differ by up to 17× that flat bound on these cases.

import { LayerNorm, LayerNormLSTM, RecurrentBase, layerNormLstmKind, type Module } from '@recur/cells';
import { PackedSequence, packPaddedSequence, padPackedSequence } from '@recur/sequence';
import { init, type Tensor } from '@recur/tensor';
import { valuesAndGrads, weightedSum, type FusedCase } from './run-case.js';

/** A bidirectional, stacked layer-norm LSTM on the shared layer machinery (one set of layer norms for every layer-direction). */
class BiLayerNormLSTM extends RecurrentBase {
  constructor(options: { inputSize: number; hiddenSize: number; numLayers: number }) {
    const gates = 4 * options.hiddenSize;
    const norms = {
      input: new LayerNorm({ normalizedShape: gates }),
      hidden: new LayerNorm({ normalizedShape: gates }),
      cell: new LayerNorm({ normalizedShape: options.hiddenSize }),
    };
    super(layerNormLstmKind(norms, options.hiddenSize), 'BiLayerNormLSTM', { ...options, bidirectional: true, bias: false });
    this.registerModule('layernorm_i', norms.input);
    this.registerModule('layernorm_h', norms.hidden);
    this.registerModule('layernorm_c', norms.cell);
  }

  forward(input: Tensor | PackedSequence, h0: Tensor, c0: Tensor): [Tensor | PackedSequence, Tensor, Tensor] {
    const r = this.run(input, h0, c0);
    return [r.output, r.h, r.c!];
  }
}

export interface LayerNormLstmCase extends FusedCase {
  /** Layer-directions one forward runs. */
  readonly layerDirections: number;
}

/** Xavier-uniform weights, as models train them, and γ, β away from 1, 0, so the kernels' reads of them show. */
function conditioned<M extends Module>(module: M): M {
  for (const [name, p] of module.namedParameters()) {
    if (p.rank === 2) init.xavierUniform(p);
    else if (name.endsWith('weight')) init.uniform(p, 0.5, 1.5);
    else init.uniform(p, -0.5, 0.5);
  }
  return module;
}

const padded = (out: Tensor | PackedSequence): Tensor => (out instanceof PackedSequence ? padPackedSequence(out)[0] : out);

export const LAYER_NORM_LSTM_CASES: readonly LayerNormLstmCase[] = [
  {
    name: 'LayerNormLSTM batch 9, hidden 33, padded, initial states from the input',
    layerDirections: 1,
    inputShape: [5, 9, 33],
    build: () => conditioned(new LayerNormLSTM({ inputSize: 33, hiddenSize: 33 })),
    loss: (m, x) => {
      const [y, [h, c]] = (m as LayerNormLSTM).forward(x, [x.narrow(0, 0, 1).mul(0.5), x.narrow(0, 2, 1).mul(0.5)]);
      return weightedSum(y, 1).add(weightedSum(h, 2)).add(weightedSum(c, 3));
    },
  },
  {
    name: 'LayerNormLSTM packed, zero initial states',
    layerDirections: 1,
    inputShape: [6, 4, 5],
    build: () => conditioned(new LayerNormLSTM({ inputSize: 5, hiddenSize: 7 })),
    loss: (m, x) => {
      const [out, [h, c]] = (m as LayerNormLSTM).forward(packPaddedSequence(x, [6, 2, 5, 1], { enforceSorted: false }));
      return weightedSum(padded(out), 1).add(weightedSum(h, 2)).add(weightedSum(c, 3));
    },
  },
  {
    name: 'LayerNormLSTM 2 layers, batch 5, hidden 6, padded, initial states from the input',
    layerDirections: 2,
    inputShape: [4, 5, 6],
    build: () => conditioned(new LayerNormLSTM({ inputSize: 6, hiddenSize: 6, numLayers: 2 })),
    loss: (m, x) => {
      const [y, [h, c]] = (m as LayerNormLSTM).forward(x, [x.narrow(0, 0, 2).mul(0.5), x.narrow(0, 2, 2).mul(0.5)]);
      return weightedSum(y, 1).add(weightedSum(h, 2)).add(weightedSum(c, 3));
    },
  },
  {
    name: 'bidirectional, 2 layers, batch 9, hidden 33, packed, initial states from the input',
    layerDirections: 4,
    inputShape: [5, 9, 33],
    build: () => conditioned(new BiLayerNormLSTM({ inputSize: 33, hiddenSize: 33, numLayers: 2 })),
    loss: (m, x) => {
      const packed = packPaddedSequence(x, [5, 1, 3, 5, 2, 4, 1, 5, 3], { enforceSorted: false });
      const [out, h, c] = (m as BiLayerNormLSTM).forward(packed, x.narrow(0, 0, 4).mul(0.5), x.narrow(0, 1, 4).mul(0.5));
      return weightedSum(padded(out), 1).add(weightedSum(h, 2)).add(weightedSum(c, 3));
    },
  },
];

/** The loss, the input's gradient and every parameter's gradient of one case, on the active backend. */
export const layerNormLstmValuesAndGrads: (c: LayerNormLstmCase, fused: boolean) => Promise<Float32Array[]> = valuesAndGrads;

/** Throws, naming the worst element and how many are off, unless every tensor matches within the fixtures' float32 tolerance. */
export function expectFusedMatches(name: string, fused: readonly Float32Array[], composed: readonly Float32Array[]): void {
  if (fused.length !== composed.length) throw new Error(`${name}: ${fused.length} tensors fused, ${composed.length} composed`);
  fused.forEach((values, k) => {
    const expected = composed[k]!;
    if (values.length !== expected.length)
      throw new Error(`${name}: tensor ${k}: ${values.length} elements fused, ${expected.length} composed`);
    let peak = 1;
    for (const e of expected) peak = Math.max(peak, Math.abs(e));
    const atol = 1e-6 * peak;
    let off = 0;
    let worst = -1;
    let worstExcess = 0;
    values.forEach((v, i) => {
      const e = expected[i]!;
      const excess = Math.abs(v - e) - (atol + 1e-5 * Math.abs(e));
      if (!(excess <= 0)) {
        off++;
        if (!(excess <= worstExcess)) [worst, worstExcess] = [i, excess];
      }
    });
    if (off > 0) {
      throw new Error(
        `${name}: tensor ${k}: ${off} of ${values.length} elements off; worst ${worst}: fused ${values[worst]}, composed ${expected[worst]}`,
      );
    }
  });
}
