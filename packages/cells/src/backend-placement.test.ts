// A module moved to a backend other than the active one — here a CPU instance that was never
// registered, so its name 'cpu' finds the active instance, not it — makes everything it creates
// while running (zero states, masks, token and index tensors) beside its input, not on the
// active backend, and gives the same values as on the active backend.

import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import { packPaddedSequence } from '@recur/sequence';
import { backendOf, getBackend, manualSeed, randn, type BackendV1, type Tensor } from '@recur/tensor';
import type { Module } from './module.js';
import { GRU, LSTM, RNN } from './rnn/layers.js';
import { GRUCell, LSTMCell, RNNCell } from './rnn/cells.js';
import { LayerNormLSTM, LayerNormLSTMCell } from './rnn/layer-norm-lstm.js';
import { ClockworkRNN } from './rnn/clockwork-rnn.js';
import { LSTMModel } from './models/lstm-model.js';
import { SimpleRNN } from './models/simple-rnn.js';
import { MultiheadAttention } from './attention/multihead-attention.js';
import { scaledDotProductAttention } from './attention/scaled-dot-product.js';
import { RecurrentStream } from './stream/recurrent-stream.js';
import { beamSearch, greedySearch, type StepFunction } from './decoding/index.js';

type Run = (m: Module, x: Tensor) => unknown;

const flat = (value: unknown): Tensor[] => (Array.isArray(value) ? value.flatMap(flat) : [value as Tensor]);

/** The values of every tensor `run` returns, each checked to live on `backend`. */
async function valuesOn(backend: BackendV1, run: () => unknown): Promise<number[][]> {
  const out = flat(run());
  for (const t of out) expect(backendOf('test', t)).toBe(backend);
  return Promise.all(out.map(async (t) => Array.from(await t.data())));
}

/** `run` on the active backend, then with the module and its input moved to a loose CPU instance. */
async function homeAndAway(make: () => Module, shape: number[], run: Run): Promise<[number[][], number[][]]> {
  manualSeed(11);
  const module = make();
  const x = randn(shape);
  const home = await valuesOn(getBackend(), () => run(module, x));
  const loose = createCpuBackend();
  await module.to(loose);
  const away = await x.to(loose);
  return [home, await valuesOn(loose, () => run(module, away))];
}

const cases: [string, () => Module, number[], Run][] = [
  ['LSTM', () => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 }), [5, 2, 3], (m, x) => (m as LSTM).forward(x)],
  [
    'GRU over a PackedSequence',
    () => new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true }),
    [5, 2, 3],
    (m, x) => {
      const [out, h] = (m as GRU).forward(packPaddedSequence(x, [3, 5], { enforceSorted: false }));
      return [out.data, h];
    },
  ],
  ['RNN', () => new RNN({ inputSize: 3, hiddenSize: 4 }), [5, 2, 3], (m, x) => (m as RNN).forward(x)],
  ['LSTMCell', () => new LSTMCell({ inputSize: 3, hiddenSize: 4 }), [2, 3], (m, x) => (m as LSTMCell).forward(x)],
  ['GRUCell', () => new GRUCell({ inputSize: 3, hiddenSize: 4 }), [2, 3], (m, x) => (m as GRUCell).forward(x)],
  ['RNNCell', () => new RNNCell({ inputSize: 3, hiddenSize: 4 }), [2, 3], (m, x) => (m as RNNCell).forward(x)],
  ['LayerNormLSTM', () => new LayerNormLSTM({ inputSize: 3, hiddenSize: 4 }), [5, 2, 3], (m, x) => (m as LayerNormLSTM).forward(x)],
  [
    'LayerNormLSTMCell',
    () => new LayerNormLSTMCell({ inputSize: 3, hiddenSize: 4 }),
    [2, 3],
    (m, x) => (m as LayerNormLSTMCell).forward(x),
  ],
  [
    'ClockworkRNN',
    () => new ClockworkRNN({ inputSize: 3, hiddenSize: 4, periods: [1, 2] }),
    [5, 2, 3],
    (m, x) => (m as ClockworkRNN).forward(x),
  ],
  ['LSTMModel', () => new LSTMModel({ inputSize: 3, hiddenSize: 4, outputSize: 2 }), [2, 5, 3], (m, x) => (m as LSTMModel).forward(x)],
  ['SimpleRNN', () => new SimpleRNN({ inputSize: 3, hiddenSize: 4, outputSize: 2 }), [2, 5, 3], (m, x) => (m as SimpleRNN).forward(x)],
  [
    'MultiheadAttention with addZeroAttn',
    () => new MultiheadAttention({ embedDim: 4, numHeads: 2, addZeroAttn: true, batchFirst: true }),
    [2, 3, 4],
    (m, x) => (m as MultiheadAttention).forward(x, x, x)[0],
  ],
  [
    'RecurrentStream default state',
    () => new LSTM({ inputSize: 3, hiddenSize: 4 }),
    [5, 2, 3],
    (m, x) => new RecurrentStream(m as LSTM, { batchSize: 2 }).forward(x),
  ],
];

describe('modules on a backend other than the active one', () => {
  it.each(cases)('%s makes what it needs beside its input', async (_name, make, shape, run) => {
    const [home, away] = await homeAndAway(make, shape, run);
    expect(away).toEqual(home);
  });

  it('LayerNormLSTM on a backend without its fused step makes its constants beside its input', async () => {
    manualSeed(11);
    const module = new LayerNormLSTM({ inputSize: 3, hiddenSize: 4 });
    const x = randn([5, 2, 3]);
    const home = await valuesOn(getBackend(), () => module.forward(x));
    // The same CPU kernels minus the fused cells: the kind then steps with ordinary ops, reading
    // 1/W, 1/H and ε from a small tensor that must live on this backend too.
    const bare: BackendV1 = Object.create(createCpuBackend(), { fused: { value: undefined } });
    await module.to(bare);
    const xAway = await x.to(bare);
    const away = await valuesOn(bare, () => module.forward(xAway));
    away.flat().forEach((v, i) => expect(v).toBeCloseTo(home.flat()[i]!, 5));
  });

  it('causal attention builds its mask beside the query', async () => {
    const loose = createCpuBackend();
    const q = randn([1, 3, 2]);
    const home = await valuesOn(getBackend(), () => scaledDotProductAttention(q, q, q, { isCausal: true }));
    const away = await q.to(loose);
    expect(await valuesOn(loose, () => scaledDotProductAttention(away, away, away, { isCausal: true }))).toEqual(home);
  });

  it('greedy and beam search feed tokens and reorder rows on the state backend', async () => {
    const V = 4;
    const H = 5;
    manualSeed(2);
    const weights = [randn([V, H]), randn([H, H]).mul(0.5), randn([H, V]).mul(2)];
    const h0 = randn([2, H]);
    const decode = async (ws: Tensor[], h: Tensor) => {
      const [embed, recur, out] = ws as [Tensor, Tensor, Tensor];
      const step: StepFunction<{ h: Tensor }> = (tokens, state) => {
        const next = state.h.matmul(recur).add(embed.indexSelect(0, tokens)).tanh();
        return [next.matmul(out), { h: next }];
      };
      const common = { initialState: { h }, startToken: 0, endToken: 3, maxLength: 6 };
      const greedy = await greedySearch(step, common);
      const beam = await beamSearch(step, { ...common, beamWidth: 3 });
      return [greedy.map((r) => r.tokens), beam.map((r) => r.map((s) => s.tokens))];
    };
    const home = await decode(weights, h0);
    const loose = createCpuBackend();
    const away = await decode(await Promise.all(weights.map((w) => w.to(loose))), await h0.to(loose));
    expect(away).toEqual(home);
  });
});
