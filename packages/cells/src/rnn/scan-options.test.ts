// Every option combination of the recurrent layers on the CPU: the whole-sequence scan ops
// (the scan driver with each cell kind's sequence kernels) against the composed per-step path, in the outputs (y, h_n,
// c_n) and in the gradients of the input, h0, c0 and every parameter. Tiny sizes keep the
// 320 combinations fast; T steps, B sequences, I inputs, H hidden, P projSize.

import { describe, expect, it } from 'vitest';
import { PackedSequence, packPaddedSequence, padPackedSequence } from '@recur/sequence';
import { manualSeed, memory, randn, scope, type Tensor } from '@recur/tensor';
import { GRU, LSTM, RNN, type RecurrentMode } from './layers.js';
import { withoutFusedKernels } from './steps.js';

const T = 3;
const B = 3;
const I = 2;
const H = 3;
/** Unsorted, so a packed batch is reordered and its h0 rows are gathered. */
const LENGTHS = [2, 3, 1];

interface Combination {
  readonly mode: RecurrentMode;
  readonly bias: boolean;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  readonly initial: boolean;
  readonly packed: boolean;
  readonly projSize: number;
}

function combinations(): Combination[] {
  const out: Combination[] = [];
  const flags = [false, true];
  for (const mode of ['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'] as const) {
    for (const projSize of mode === 'LSTM' ? [0, 2] : [0]) {
      for (const bias of flags)
        for (const numLayers of [1, 2])
          for (const bidirectional of flags) {
            for (const batchFirst of flags)
              for (const initial of flags)
                for (const packed of flags) {
                  out.push({ mode, bias, numLayers, bidirectional, batchFirst, initial, packed, projSize });
                }
          }
    }
  }
  return out;
}

const label = (c: Combination): string =>
  `${c.mode}${c.projSize ? ` proj ${c.projSize}` : ''} bias=${c.bias} L=${c.numLayers} ${c.bidirectional ? 'bi' : 'uni'} ` +
  `${c.batchFirst ? 'batch-first' : 'seq-first'} ${c.initial ? 'h0' : 'no h0'} ${c.packed ? 'packed' : 'padded'}`;

function build(c: Combination): RNN | LSTM | GRU {
  const options = {
    inputSize: I,
    hiddenSize: H,
    numLayers: c.numLayers,
    bias: c.bias,
    batchFirst: c.batchFirst,
    bidirectional: c.bidirectional,
  };
  if (c.mode === 'LSTM') return new LSTM({ ...options, projSize: c.projSize });
  if (c.mode === 'GRU') return new GRU(options);
  return new RNN({ ...options, nonlinearity: c.mode === 'RNN_TANH' ? 'tanh' : 'relu' });
}

const weighted = (t: Tensor, seed: number): Tensor => {
  manualSeed(seed);
  return t.mul(randn(t.shape)).sum();
};

/** Outputs, then the gradients of x, h0, c0 and every parameter, in a fixed order. */
async function run(c: Combination, fused: boolean): Promise<{ name: string; values: Float32Array }[]> {
  manualSeed(7);
  const module = build(c);
  const rows = c.numLayers * (c.bidirectional ? 2 : 1);
  const out = module.outputSize;
  const named = scope(() => {
    const x = randn(c.batchFirst ? [B, T, I] : [T, B, I], { requiresGrad: true });
    const h0 = c.initial ? randn([rows, B, out], { requiresGrad: true }) : undefined;
    const c0 = c.initial && c.mode === 'LSTM' ? randn([rows, B, H], { requiresGrad: true }) : undefined;
    const forward = () => {
      const input = c.packed ? packPaddedSequence(x, LENGTHS, { enforceSorted: false, batchFirst: c.batchFirst }) : x;
      let output: Tensor | PackedSequence;
      let h: Tensor;
      let cN: Tensor | null = null;
      if (module instanceof LSTM) [output, [h, cN]] = module.forward(input, h0 && c0 ? [h0, c0] : undefined);
      else [output, h] = module.forward(input, h0);
      const y = output instanceof PackedSequence ? padPackedSequence(output, { batchFirst: c.batchFirst })[0] : output;
      let loss = weighted(y, 1).add(weighted(h, 2));
      if (cN) loss = loss.add(weighted(cN, 3));
      loss.backward();
      return [['y', y], ['h_n', h], ...(cN ? [['c_n', cN]] : [])] as [string, Tensor][];
    };
    const results = fused ? forward() : withoutFusedKernels(forward);
    const leaves: [string, Tensor | undefined][] = [
      ['x', x],
      ['h0', h0],
      ['c0', c0],
    ];
    const grads = [...leaves, ...module.namedParameters()]
      .filter((e): e is [string, Tensor] => !!e[1])
      .map(([name, t]): [string, Tensor] => {
        // Every leaf is on the loss's path, so each must have received a gradient.
        if (!t.grad) throw new Error(`${label(c)}: no gradient for ${name}`);
        return [`d${name}`, t.grad.clone()];
      });
    return [...results.map(([name, t]): [string, Tensor] => [name, t.clone()]), ...grads];
  });
  const values: { name: string; values: Float32Array }[] = [];
  for (const [name, t] of named) {
    values.push({ name, values: (await t.data()) as Float32Array });
    t.dispose();
  }
  module.dispose();
  return values;
}

describe('scan ops ≡ the composed per-step path, every option combination', () => {
  it.each(combinations().map((c) => [label(c), c] as const))('%s', async (_, c) => {
    const before = memory().numBuffers;
    const fast = await run(c, true);
    const composed = await run(c, false);
    expect(fast.map((e) => e.name)).toEqual(composed.map((e) => e.name));
    fast.forEach(({ name, values }, k) => {
      const expected = composed[k]!.values;
      expect(values.length, name).toBe(expected.length);
      values.forEach((v, i) => {
        const e = expected[i]!;
        if (!(Math.abs(v - e) <= 1e-6 + 1e-5 * Math.abs(e))) throw new Error(`${name}[${i}]: scan ${v}, composed ${e}`);
      });
    });
    expect(memory().numBuffers).toBe(before);
  });
});
